package dev.switchboard.platform;

import java.util.Objects;

/** A message that exists on a platform, so it can be edited or replied to. */
public record MessageRef(ChatRef chat, String messageId) {
  public MessageRef {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(messageId, "messageId");
  }
}
