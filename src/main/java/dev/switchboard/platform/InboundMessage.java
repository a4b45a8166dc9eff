package dev.switchboard.platform;

import java.time.Instant;
import java.util.Objects;

/**
 * A message from a user, already turned from the platform's wire format into our terms.
 *
 * @param messageId the platform's id of this message, unique within the chat; with the chat it
 *     identifies a redelivery
 * @param group true when the chat has more than one human, so sessions are kept per user
 */
public record InboundMessage(
    ChatRef chat, String messageId, Sender sender, String text, boolean group, Instant receivedAt) {

  public InboundMessage {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /** The same message delivered twice has the same key. */
  public String dedupeKey() {
    return chat.platform() + ":" + chat.chatId() + ":" + messageId;
  }

  public MessageRef ref() {
    return new MessageRef(chat, messageId);
  }
}
