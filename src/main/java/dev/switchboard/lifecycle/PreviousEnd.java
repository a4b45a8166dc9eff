package dev.switchboard.lifecycle;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the previous process with this state directory ended, as the next start tells it in the
 * home channels.
 *
 * @param detail what the unplanned end was; null for the other kinds
 */
record PreviousEnd(PreviousEnd.Kind kind, @Nullable String detail) {
  static final PreviousEnd NONE = new PreviousEnd(Kind.NONE, null);

  /** What came before this start. */
  enum Kind {
    /** No process ran with this state directory before. */
    NONE,
    /** A planned stop. */
    STOPPED,
    /** A restart (asked for, or a reload under a service manager). */
    RESTARTED,
    /** A crash, a kill, a failed start. */
    UNPLANNED
  }

  static PreviousEnd of(Optional<GatewayState> previous) {
    if (previous.isEmpty()) {
      return NONE;
    }
    GatewayState last = previous.get();
    Optional<String> unplanned = RespawnBreaker.unplannedEnd(last);
    if (unplanned.isPresent()) {
      return new PreviousEnd(Kind.UNPLANNED, unplanned.get());
    }
    Integer code = last.exitCode();
    boolean restarted = last.restartRequested() || (code != null && code == ExitCodes.RESTART);
    return new PreviousEnd(restarted ? Kind.RESTARTED : Kind.STOPPED, null);
  }
}
