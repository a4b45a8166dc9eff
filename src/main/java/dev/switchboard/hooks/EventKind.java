package dev.switchboard.hooks;

import java.util.Locale;

/**
 * The events hooks are run for. {@link #label()} is the event's name in the JSON, in {@code
 * SWITCHBOARD_EVENT} and as the folder under {@code hooks/}; {@link #settingName()} is its part
 * of the {@code hooks.commands.*} setting.
 */
public enum EventKind {
  GATEWAY_STARTED,
  GATEWAY_STOPPING,
  PLATFORM_STATE,
  SESSION_NEW,
  TURN_STARTED,
  TURN_FINISHED,
  COMMAND_RUN,
  JOB_RUN;

  /** "turn.finished". */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** "turn_finished", as in {@code hooks.commands.turn_finished}. */
  public String settingName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
