package dev.switchboard.common;

import org.jspecify.annotations.Nullable;

/**
 * One result of {@code switchboard doctor}: what was checked, what was found, and for anything
 * short of ok, what to do about it. Never carries a secret.
 *
 * @param fix the next step for the user; null when the level is OK
 */
public record Finding(
    Level level, String subject, String message, @Nullable String fix) {
  /** How bad it is: FAIL means the gateway will not work as configured. */
  public enum Level {
    OK,
    WARN,
    FAIL
  }

  public static Finding ok(String subject, String message) {
    return new Finding(Level.OK, subject, message, null);
  }

  public static Finding warn(String subject, String message, String fix) {
    return new Finding(Level.WARN, subject, message, fix);
  }

  public static Finding fail(String subject, String message, String fix) {
    return new Finding(Level.FAIL, subject, message, fix);
  }
}
