package dev.switchboard.hooks;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where an event happened, as hooks see it.
 *
 * @param thread null outside threads
 * @param user the sender's id on the platform
 * @param session the session's key ("telegram:123", in a group "telegram:-100/7@42")
 */
public record EventChat(
    String platform, String chat, @Nullable String thread, String user, String session) {
  public EventChat {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(session, "session");
  }
}
