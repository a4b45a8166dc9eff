package dev.switchboard.reliability;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * Waits for a gateway process to say it is running in its state file ({@code
 * gateway_state.json}, rewritten atomically on every change): woken by the file's rename, not
 * by polling it.
 */
final class StateFileWatch {
  private StateFileWatch() {}

  /** How the wait ended: running (at {@code atNanos}), or the process ended first. */
  record Outcome(boolean running, long atNanos) {}

  /**
   * Waits until the state file says {@code running} for {@code process}, or the process ends;
   * throws when neither happens within {@code timeout}.
   */
  static Outcome awaitRunning(Path home, Process process, Duration timeout)
      throws IOException, InterruptedException {
    return awaitRunning(
        home,
        pid -> pid == process.pid(),
        () -> !process.isAlive(),
        timeout,
        "gateway pid " + process.pid());
  }

  /**
   * Waits until the state file says {@code running} for a process {@code pidMatches} accepts
   * (one a service manager started, which we only know by its state file), or {@code ended}
   * says to stop waiting; throws when neither happens within {@code timeout}.
   */
  static Outcome awaitRunning(
      Path home, LongPredicate pidMatches, BooleanSupplier ended, Duration timeout, String who)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      home.register(
          watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        if (runningIn(home, pidMatches)) {
          return new Outcome(true, System.nanoTime());
        }
        if (ended.getAsBoolean()) {
          return new Outcome(false, System.nanoTime());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(who + " was not running " + timeout
              + " after its start (state file: "
              + StateFile.read(home).map(s -> s.state() + ", pid " + s.pid()).orElse("none")
              + ")");
        }
        // The bound only lets us notice a process that died without writing the file.
        WatchKey key =
            watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  private static boolean runningIn(Path home, LongPredicate pidMatches) {
    Optional<GatewayState> s = StateFile.read(home);
    return s.isPresent()
        && pidMatches.test(s.get().pid())
        && GatewayState.RUNNING.equals(s.get().state());
  }
}
