package dev.switchboard.cli;

import dev.switchboard.lifecycle.GatewayLock;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits for a gateway process other than {@code oldPid} to report running in the state file
 * (and hold the lock), or to report that it failed: what {@code restart} and {@code start}
 * return on. Woken by the state file's rename; a periodic re-check covers missed events.
 */
final class NewGatewayWait {
  private static final Duration RECHECK = Duration.ofSeconds(1);

  /** How the wait ended. */
  sealed interface Outcome {
    record Ready(GatewayState state) implements Outcome {}

    record Failed(String reason) implements Outcome {}

    record TimedOut() implements Outcome {}
  }

  private final Path home;
  private final WatchService watch;

  private NewGatewayWait(Path home, WatchService watch) {
    this.home = home;
    this.watch = watch;
  }

  /** Starts watching before the caller triggers the new process, so no event is missed. */
  static NewGatewayWait watching(Path home) throws IOException {
    WatchService watch = FileSystems.getDefault().newWatchService();
    home.register(
        watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    return new NewGatewayWait(home, watch);
  }

  /**
   * @param giveUp asked at every look while no new process has reported: a reason to stop
   *     waiting (the old process's record says no successor is coming), or empty
   */
  Outcome await(
      long oldPid, Duration timeout, Function<Optional<GatewayState>, Optional<String>> giveUp)
      throws IOException, InterruptedException {
    try (watch) {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        Optional<GatewayState> s = StateFile.read(home);
        if (s.isPresent() && s.get().pid() != oldPid) {
          GatewayState state = s.get();
          // standby: on a shared database another gateway took over while this one restarted
          if ((GatewayState.RUNNING.equals(state.state())
                  || GatewayState.STANDBY.equals(state.state()))
              && GatewayLock.probe(home).held()) {
            return new Outcome.Ready(state);
          }
          if (GatewayState.STARTUP_FAILED.equals(state.state())
              || GatewayState.STOPPED.equals(state.state())) {
            return new Outcome.Failed("the new process (pid " + state.pid() + ") "
                + (GatewayState.STARTUP_FAILED.equals(state.state())
                    ? "failed to start"
                    : "stopped with exit code " + state.exitCode())
                + ": " + state.exitReason());
          }
        } else {
          Optional<String> why = giveUp.apply(s);
          if (why.isPresent()) {
            return new Outcome.Failed(why.get());
          }
        }
        long left = Math.min(end - System.nanoTime(), RECHECK.toNanos());
        WatchKey key = watch.poll(Math.max(1, left), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
      return new Outcome.TimedOut();
    }
  }

  /** The end of a failed wait: the reason, then the last lines of the log and the console. */
  static int fail(PrintWriter err, Path home, String what, String reason) {
    err.println("switchboard: " + what + " failed: " + reason + ". Last log lines:");
    GatewayProcess.lastLogLines(home, 20).forEach(l -> err.println("  " + l));
    var console = GatewayProcess.lastConsoleLines(home, 10);
    if (!console.isEmpty()) {
      err.println("Last lines of " + home.resolve("logs").resolve("console.log") + ":");
      console.forEach(l -> err.println("  " + l));
    }
    return CliExit.FAILED;
  }
}
