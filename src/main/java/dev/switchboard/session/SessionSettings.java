package dev.switchboard.session;

import org.jspecify.annotations.Nullable;

/** Names and values of the per-session settings kept in the store. */
final class SessionSettings {
  /** The model chosen with /model. */
  static final String MODEL = "model";
  /** "interrupt" or "queue", chosen with /busy. */
  static final String BUSY_POLICY = "busy_policy";
  /** {@link #ON} or {@link #OFF}, chosen with /tools. */
  static final String TOOLS = "tools";
  /** {@link #ON} or {@link #OFF}, chosen with /voice; off unless chosen. */
  static final String VOICE = "voice";

  static final String ON = "on";
  static final String OFF = "off";

  private SessionSettings() {}

  /** Whether tool progress shows, from the session's {@link #TOOLS} value (null: not chosen). */
  static boolean toolProgress(@Nullable String chosen, boolean byDefault) {
    return chosen == null ? byDefault : ON.equals(chosen);
  }
}
