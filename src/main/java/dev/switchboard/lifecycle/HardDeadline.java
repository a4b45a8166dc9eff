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
 * exit code already recorded if the stop has not finished in time. It runs on its own daemon
 * thread, outside everything the stop touches, and halts whatever happens: the thread dump and
 * the last words ({@code beforeHalt}: state file, relaunch) run on a helper thread that gets
 * {@link #LAST_WORDS} and no more, since what is stuck may be the disk itself.
 */
final class HardDeadline {
  static final Duration LAST_WORDS = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(HardDeadline.class);

  private final CountDownLatch disarmed = new CountDownLatch(1);
  private final Halter halter;
  private final Path dumpDir;

  HardDeadline(Halter halter, Path dumpDir) {
    this.halter = halter;
    this.dumpDir = dumpDir;
  }

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
      try {
        log.error(
            "the stop did not finish within {} ms; dumping threads and exiting with code" + " {}",
            budget.toMillis(),
            code);
        Thread lastWords = Thread.ofPlatform()
            .daemon()
            .name("switchboard-last-words")
            .start(() -> {
              try {
                ThreadDumps.dump("hard deadline", dumpDir);
              } finally {
                beforeHalt.run();
              }
            });
        lastWords.join(LAST_WORDS);
      } catch (Throwable t) {
        // nothing may stand between the deadline and the halt
      } finally {
        halter.halt(code);
      }
    });
  }

  void disarm() {
    disarmed.countDown();
  }
}
