package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;

/** Sends to a chat on whichever platform it lives on; the gateway routes by platform name. */
public interface Outbound {
  PlatformLimits limits(String platform);

  MessageRef send(ChatRef chat, String text) throws PlatformException;

  void edit(MessageRef message, String text) throws PlatformException;
}
