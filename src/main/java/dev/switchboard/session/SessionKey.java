package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Identifies a conversation: platform, chat, thread, and in group chats the user, so two people
 * in one group do not share (or interrupt) each other's turns.
 *
 * @param threadId {@code null} outside threads
 * @param userId {@code null} in private chats, or when groups share one session per chat
 */
public record SessionKey(
    String platform,
    String chatId,
    @Nullable String threadId,
    @Nullable String userId) {
  public SessionKey {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(chatId, "chatId");
  }

  /**
   * The session {@code m} belongs to. A synthetic turn marked as a group message has a
   * conversation of its own (keyed by its origin, such as {@code switchboard:job:7}) whatever
   * {@code perUserInGroups} says; one that is not shares the chat's.
   */
  public static SessionKey of(InboundMessage m, boolean perUserInGroups) {
    String user = m.group() && (perUserInGroups || m.synthetic()) ? m.sender().userId() : null;
    return new SessionKey(m.chat().platform(), m.chat().chatId(), m.chat().threadId(), user);
  }

  /**
   * The session's name in the store ("telegram:123", in a group "telegram:-100/7@42"). Its
   * format is kept in the database, so it never changes; {@link #toString()} is for logs.
   */
  public String id() {
    return platform + ":" + chatId + (threadId == null ? "" : "/" + threadId)
        + (userId == null ? "" : "@" + userId);
  }

  @Override
  public String toString() {
    return id();
  }
}
