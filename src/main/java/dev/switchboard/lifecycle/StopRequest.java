package dev.switchboard.lifecycle;

import java.util.Objects;

/**
 * One request to end the process.
 *
 * @param source who asked, for the log and the state file: "SIGTERM", "switchboard stop",
 *     "/restart from telegram:42"
 * @param signal true for a request that came as a signal (a second one skips the drain)
 */
public record StopRequest(StopKind kind, String source, boolean signal) {
  public StopRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
  }

  public static StopRequest stop(String source) {
    return new StopRequest(StopKind.STOP, source, false);
  }

  public static StopRequest restart(String source) {
    return new StopRequest(StopKind.RESTART, source, false);
  }

  public static StopRequest crash(String source) {
    return new StopRequest(StopKind.CRASH, source, false);
  }

  public static StopRequest signal(StopKind kind, String signalName) {
    return new StopRequest(kind, signalName, true);
  }
}
