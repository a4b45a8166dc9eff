package dev.switchboard.platform;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Who sent a message, as the platform identifies them. */
public record Sender(String userId, String displayName) {
  /** A platform that gives no display name (Slack's events) passes null: the id stands in. */
  public Sender(String userId, @Nullable String displayName) {
    this.userId = Objects.requireNonNull(userId, "userId");
    this.displayName = displayName == null ? userId : displayName;
  }
}
