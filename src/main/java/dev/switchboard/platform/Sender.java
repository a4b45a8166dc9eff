package dev.switchboard.platform;

import java.util.Objects;

/** Who sent a message, as the platform identifies them. */
public record Sender(String userId, String displayName) {
  public Sender {
    Objects.requireNonNull(userId, "userId");
    displayName = displayName == null ? userId : displayName;
  }
}
