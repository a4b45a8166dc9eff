package dev.switchboard.platform;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message from a user, already turned from the platform's wire format into our terms.
 *
 * @param messageId the platform's id of this message, unique within the chat; with the chat it
 *     identifies a redelivery
 * @param text what the user wrote; a file's caption, empty for a file without one
 * @param group true when the chat has more than one human, so sessions are kept per user
 * @param attachments the files that came with it, in the order the platform gave them
 */
public record InboundMessage(
    ChatRef chat,
    String messageId,
    Sender sender,
    String text,
    boolean group,
    Instant receivedAt,
    List<Attachment> attachments) {

  public InboundMessage {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(receivedAt, "receivedAt");
    attachments = List.copyOf(attachments);
  }

  /** A message of text alone. */
  public InboundMessage(
      ChatRef chat, String messageId, Sender sender, String text, boolean group, Instant at) {
    this(chat, messageId, sender, text, group, at, List.of());
  }

  /** The same message with {@code replaced} as its attachments (once they are stored). */
  public InboundMessage withAttachments(List<Attachment> replaced) {
    return new InboundMessage(chat, messageId, sender, text, group, receivedAt, replaced);
  }

  /**
   * Message ids of turns the gateway starts on its own (a scheduled job's run, a webhook's
   * delivery) begin with this. No platform gives ids like it (Telegram's are numbers, Discord's
   * snowflakes, Slack's timestamps; the web chat takes only letters, digits and dashes, the API
   * makes UUIDs), so a user cannot pass for one.
   */
  public static final String SYNTHETIC_PREFIX = "switchboard:";

  /**
   * True for a turn the gateway started on its own rather than a user's message: it was
   * authorized when it was made (an admin's job, a webhook's checked signature).
   */
  public boolean synthetic() {
    return messageId.startsWith(SYNTHETIC_PREFIX);
  }

  /** The same message delivered twice has the same key. */
  public String dedupeKey() {
    return chat.platform() + ":" + chat.chatId() + ":" + messageId;
  }

  public MessageRef ref() {
    return new MessageRef(chat, messageId);
  }
}
