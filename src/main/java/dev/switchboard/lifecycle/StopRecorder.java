package dev.switchboard.lifecycle;

import dev.switchboard.session.DrainReason;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle rule 3, intent before action: when the first stop request arrives, and before any
 * teardown, the exit code is on disk, the supervisor knows, the hard deadline is armed and new
 * turns are refused. Also what the hard deadline records when it fires.
 */
final class StopRecorder implements StopCoordinator.IntentRecorder {
  private static final Logger log = LoggerFactory.getLogger(StopRecorder.class);

  private final GatewayAssembly parts;
  private final StopHandle stops;
  /** Set when the intent is recorded, before any teardown. */
  private volatile @Nullable StopBudget budget;

  StopRecorder(GatewayAssembly parts, StopHandle stops) {
    this.parts = parts;
    this.stops = stops;
  }

  @Override
  public void record(StopRequest r, int code, boolean duringStartup) {
    boolean restart = r.kind() == StopKind.RESTART;
    if (restart) {
      parts.metrics.restartRequested();
    }
    log.info(
        "{} requested by {}; exit code will be {}{}",
        restart ? "restart" : "stop",
        r.source(),
        code,
        restart && parts.serviceManager == ServiceManager.NONE
            ? " and a detached copy will be started"
            : "");
    budget = StopBudget.startingNow(parts.settings, parts.ticker);
    Duration deadline = parts.settings.hardDeadline();
    // Armed first: everything after this may block (a disk, the notify socket).
    parts.hardDeadline.arm(deadline, stops::exitCode, () -> lastWords(r, duringStartup));
    parts.stateFile.update(s -> {
      parts.notifier.stopping(
          (restart ? "Restarting" : "Stopping") + ": requested by " + r.source());
      parts.notifier.extendTimeout(deadline.plusSeconds(5));
      return s.withState(GatewayState.DRAINING).withExit(code, r.source(), restart);
    });
    // The teardown waits for the drain's end with its own budget.
    CompletableFuture<Void> _ =
        parts.dispatcher.beginDrain(restart ? DrainReason.RESTART : DrainReason.STOP);
  }

  /** The stop's time budget, from the moment the intent was recorded; the teardown follows it. */
  StopBudget budget() {
    return Objects.requireNonNull(budget, "the teardown runs only after the intent is recorded");
  }

  /** What the hard deadline does before it halts: keep a restart a restart, then record. */
  private void lastWords(StopRequest r, boolean duringStartup) {
    String outcome = "; hard deadline reached";
    if (r.kind() == StopKind.RESTART
        && parts.serviceManager == ServiceManager.NONE
        && !stops.relaunchCancelled()) {
      outcome += parts
          .relaunch
          .once(HardDeadline.LAST_WORDS.dividedBy(2))
          .map(why -> "; relaunch failed: " + why)
          .orElse("");
    }
    String suffix = outcome;
    parts.stateFile.seal(s -> s.withState(finalState(r, duringStartup))
        .withExit(stops.exitCode(), s.exitReason() + suffix, s.restartRequested()));
  }

  /** "startup_failed" for a start that failed, else "stopped". */
  static String finalState(StopRequest r, boolean duringStartup) {
    boolean failed = r.kind() == StopKind.CRASH || r.kind() == StopKind.CONFIG_ERROR;
    return duringStartup && failed ? GatewayState.STARTUP_FAILED : GatewayState.STOPPED;
  }
}
