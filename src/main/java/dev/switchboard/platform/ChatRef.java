package dev.switchboard.platform;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a conversation happens: a platform, a chat on it, and optionally a thread inside the
 * chat (a Telegram forum topic, a Slack thread, a Discord thread). Replies go back to the same
 * reference.
 *
 * @param threadId {@code null} when the chat has no threads
 */
public record ChatRef(
    String platform, String chatId, @Nullable String threadId) {
  public ChatRef {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(chatId, "chatId");
  }

  public static ChatRef of(String platform, String chatId) {
    return new ChatRef(platform, chatId, null);
  }

  @Override
  public String toString() {
    return platform + ":" + chatId + (threadId == null ? "" : "/" + threadId);
  }
}
