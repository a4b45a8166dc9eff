package dev.switchboard.testing;

import dev.switchboard.delivery.Outbound;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;

/** Outbound straight to one adapter, for tests that build a dispatcher without a runtime. */
public record AdapterOutbound(PlatformAdapter adapter) implements Outbound {
  @Override
  public PlatformLimits limits(String platform) {
    return adapter.limits();
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    return adapter.send(chat, text);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    adapter.edit(message, text);
  }

  @Override
  public FileLimits fileLimits(String platform) {
    return adapter.fileLimits();
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    return adapter.sendFile(chat, file);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    adapter.typing(chat);
  }

  @Override
  public boolean typingMarksRead(String platform) {
    return adapter.typingMarksRead();
  }
}
