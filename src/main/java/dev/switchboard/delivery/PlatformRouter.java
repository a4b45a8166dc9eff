package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sends each outbound call to the adapter of the chat's platform. */
public final class PlatformRouter implements Outbound {
  /** For a platform that is not enabled: nothing is sent there, but chunking must still work. */
  private static final PlatformLimits FALLBACK = new PlatformLimits(4000, false, Duration.ZERO);

  private final Map<String, PlatformAdapter> byName = new LinkedHashMap<>();

  public PlatformRouter(List<PlatformAdapter> adapters) {
    for (PlatformAdapter a : adapters) {
      if (byName.putIfAbsent(a.name(), a) != null) {
        throw new IllegalArgumentException("two adapters named " + a.name());
      }
    }
  }

  public boolean has(String platform) {
    return byName.containsKey(platform);
  }

  @Override
  public PlatformLimits limits(String platform) {
    PlatformAdapter a = byName.get(platform);
    return a == null ? FALLBACK : a.limits();
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    return adapter(chat.platform()).send(chat, text);
  }

  @Override
  public MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return adapter(chat.platform()).send(chat, text, idempotencyKey);
  }

  @Override
  public MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    return adapter(chat.platform()).sendPlain(chat, text);
  }

  @Override
  public boolean idempotentSends(String platform) {
    PlatformAdapter a = byName.get(platform);
    return a != null && a.idempotentSends();
  }

  @Override
  public FileLimits fileLimits(String platform) {
    PlatformAdapter a = byName.get(platform);
    return a == null ? FileLimits.NONE : a.fileLimits();
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    return adapter(chat.platform()).sendFile(chat, file);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    adapter(message.chat().platform()).edit(message, text);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    adapter(chat.platform()).typing(chat);
  }

  @Override
  public boolean typingMarksRead(String platform) {
    PlatformAdapter a = byName.get(platform);
    return a != null && a.typingMarksRead();
  }

  @Override
  public List<String> render(String platform, String markdown) {
    PlatformAdapter a = byName.get(platform);
    return a == null ? List.of() : a.render(markdown);
  }

  @Override
  public void replyStarted(ChatRef chat, String inReplyTo) {
    PlatformAdapter a = byName.get(chat.platform());
    if (a != null) {
      a.replyStarted(chat, inReplyTo);
    }
  }

  @Override
  public void replyGrew(ChatRef chat, String inReplyTo, String delta) {
    PlatformAdapter a = byName.get(chat.platform());
    if (a != null) {
      a.replyGrew(chat, inReplyTo, delta);
    }
  }

  @Override
  public void replyFinished(ChatRef chat, String inReplyTo, String text) {
    PlatformAdapter a = byName.get(chat.platform());
    if (a != null) {
      a.replyFinished(chat, inReplyTo, text);
    }
  }

  @Override
  public void noticeAbout(ChatRef chat, String inReplyTo, NoticeKind kind, String text) {
    PlatformAdapter a = byName.get(chat.platform());
    if (a != null) {
      a.noticeAbout(chat, inReplyTo, kind, text);
    }
  }

  private PlatformAdapter adapter(String platform) throws PlatformException {
    PlatformAdapter a = byName.get(platform);
    if (a == null) {
      throw new PlatformException("platform '" + platform + "' is not enabled", true);
    }
    return a;
  }
}
