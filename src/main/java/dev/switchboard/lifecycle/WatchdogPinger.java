package dev.switchboard.lifecycle;

import dev.switchboard.common.Heartbeat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code WATCHDOG=1} at half the supervisor's watchdog interval, but only while every
 * monitored loop is beating. A stuck dispatch loop or a deaf receive loop therefore lets the
 * watchdog fire and systemd restart us, instead of a zombie that still answers pings.
 */
final class WatchdogPinger implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WatchdogPinger.class);

  private final SupervisorNotifier notifier;
  private final ProgressMonitor progress;
  private final Duration period;

  WatchdogPinger(SupervisorNotifier notifier, ProgressMonitor progress, Duration timeout) {
    this.notifier = notifier;
    this.progress = progress;
    this.period = timeout.dividedBy(2);
  }

  @Override
  public void run() {
    boolean withholding = false;
    while (!Thread.currentThread().isInterrupted()) {
      List<Heartbeat> stalled = progress.stalled();
      if (stalled.isEmpty()) {
        if (withholding) {
          log.info("all loops are making progress again; resuming watchdog pings");
          withholding = false;
        }
        notifier.watchdog();
      } else if (!withholding) {
        withholding = true;
        log.error("withholding the watchdog ping: no progress in {}", stalled);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(period.toNanos()); // a timer period, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
