package dev.switchboard.lifecycle;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of lifecycle rule 4: armed when a stop begins, it ends the process with the
 * exit code already recorded if the stop has not finished in time, after logging every thread's
 * stack. It runs on its own daemon thread, outside everything the stop touches.
 */
final class HardDeadline {
  private static final Logger log = LoggerFactory.getLogger(HardDeadline.class);

  private final CountDownLatch disarmed = new CountDownLatch(1);
  private final Halter halter;
  private final Path dumpDir;

  HardDeadline(Halter halter, Path dumpDir) {
    this.halter = halter;
    this.dumpDir = dumpDir;
  }

  /**
   * @param beforeHalt records the outcome (the state file) just before halting; it must be quick
   */
  void arm(Duration budget, IntSupplier exitCode, Runnable beforeHalt) {
    Thread.ofPlatform().daemon().name("switchboard-hard-deadline").start(() -> {
      try {
        if (disarmed.await(budget.toNanos(), TimeUnit.NANOSECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        // nobody interrupts this thread; if someone does, fire now rather than never
      }
      int code = exitCode.getAsInt();
      log.error("the stop did not finish within {} ms; dumping threads and exiting with code {}",
          budget.toMillis(), code);
      ThreadDumps.dump("hard deadline", dumpDir);
      try {
        beforeHalt.run();
      } finally {
        halter.halt(code);
      }
    });
  }

  void disarm() {
    disarmed.countDown();
  }
}
