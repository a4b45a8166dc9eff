package dev.switchboard.lifecycle;

import dev.switchboard.common.Sleeper;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait {@link RespawnBreaker} asked for, before the platforms are connected: said in the
 * log and the state file, announced to systemd (more start time, and watchdog pings, since the
 * wait is this process doing what it should), and cut short by a stop.
 */
final class CrashLoopHoldBack {
  private static final Logger log = LoggerFactory.getLogger(CrashLoopHoldBack.class);
  /** What a start needs after the wait: every platform's connect, bounded, and some margin. */
  private static final Duration START_AFTER_WAIT = Duration.ofSeconds(90);

  private CrashLoopHoldBack() {}

  static void hold(
      GatewayState.CrashLoop loop,
      StateFile stateFile,
      SupervisorNotifier notifier,
      Sleeper sleeper)
      throws InterruptedException {
    Duration delay = Duration.ofSeconds(loop.delaySeconds());
    stateFile.update(s -> s.withCrashLoop(loop));
    log.warn(
        "crash loop: this is start {} after an unplanned end within {} s (the last: {});"
            + " waiting {} s before connecting to the platforms, so the loop does not hammer their"
            + " APIs (service.respawn_limit, respawn_window, respawn_delay)",
        loop.unplannedStarts(),
        loop.windowSeconds(),
        loop.lastEnd(),
        delay.toSeconds());
    notifier.extendTimeout(delay.plus(START_AFTER_WAIT));
    Duration slice = notifier.watchdogTimeout().map(w -> w.dividedBy(2)).orElse(delay);
    for (Duration left = delay; left.isPositive(); ) {
      Duration step = left.compareTo(slice) < 0 || !slice.isPositive() ? left : slice;
      notifier.watchdog();
      sleeper.sleep(step);
      left = left.minus(step);
    }
    log.info("crash loop wait over; connecting to the platforms");
  }
}
