package dev.switchboard.cli;

import dev.switchboard.lifecycle.ExitCodes;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard restart}: SIGUSR1 to the gateway, then wait until a new process reports
 * running. The gateway itself decides how it comes back (exit 75 to its service manager, or a
 * detached relaunch), so this works the same with and without one.
 */
@Command(name = "restart", description = {
    "Restart the running gateway and wait until the new process is ready.",
    "Exit code 0 when the new process runs; 1 with the reason and the last log lines if not."})
final class RestartSubcommand implements Callable<Integer> {
  /** A restarted gateway must be up this long after the old one's stop budget. */
  private static final Duration START_ALLOWANCE = Duration.ofSeconds(60);
  private static final Duration RECHECK = Duration.ofSeconds(1);

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "How long to wait (default: drain_timeout + shutdown_grace + 60 s).")
  Long timeoutSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    GatewayProcess gw = GatewayProcess.look(home);
    if (gw.unidentified()) {
      err.println("switchboard: " + gw.unidentifiedExplanation());
      return ExitCodes.CRASHED;
    }
    Optional<ProcessHandle> process = gw.handle();
    if (process.isEmpty()) {
      err.println("switchboard: not running (home " + home + "); start it with 'switchboard run'"
          + " or through its service manager.");
      return ExitCodes.CRASHED;
    }
    long oldPid = process.get().pid();
    Duration timeout = timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds)
        : gw.stopBudget(root.env()).plus(START_ALLOWANCE);
    out.println("Restarting Switchboard (pid " + oldPid + "), waiting up to "
        + timeout.toSeconds() + " s for the new process...");
    out.flush();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      home.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      if (!sendUsr1(oldPid, err)) {
        return ExitCodes.CRASHED;
      }
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        Optional<GatewayState> s = StateFile.read(home);
        if (s.isPresent() && s.get().pid() != oldPid) {
          GatewayState state = s.get();
          if (GatewayState.RUNNING.equals(state.state()) && GatewayLock.probe(home).held()) {
            out.println("Restarted: pid " + state.pid() + " is running (version "
                + state.version() + ").");
            return ExitCodes.STOPPED;
          }
          if (GatewayState.STARTUP_FAILED.equals(state.state())) {
            return fail(err, home, "the new process (pid " + state.pid()
                + ") failed to start: " + state.exitReason());
          }
        } else if (s.isPresent() && !process.get().isAlive()) {
          Optional<String> why = noSuccessorComing(s.get());
          if (why.isPresent()) {
            return fail(err, home, why.get());
          }
        }
        long left = Math.min(end - System.nanoTime(), RECHECK.toNanos());
        // Woken by the state file's rename; the re-check period only covers missed events.
        WatchKey key = watch.poll(Math.max(1, left), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
    String why = process.get().isAlive()
        ? "the old process (pid " + oldPid + ") is still stopping"
        : "the old process exited but no new one reported running; if a service manager runs"
            + " it, check that it restarts on exit code 75 (RestartForceExitStatus=75)";
    return fail(err, home, "no new gateway after " + timeout.toSeconds() + " s: " + why);
  }

  /** The old process has exited: does its last record say that nothing will replace it? */
  private static Optional<String> noSuccessorComing(GatewayState last) {
    if (!last.restartRequested()) {
      return Optional.of("the gateway stopped instead of restarting (" + last.exitReason()
          + ")");
    }
    if (last.exitCode() != null && last.exitCode() == ExitCodes.CRASHED) {
      return Optional.of("the old process could not start its successor ("
          + last.exitReason() + ")");
    }
    return Optional.empty();
  }

  private static boolean sendUsr1(long pid, PrintWriter err) throws IOException,
      InterruptedException {
    // The JDK can only send SIGTERM and SIGKILL to another process; kill(1) sends the rest.
    Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid))
        .redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes()).strip();
    if (kill.waitFor() != 0) {
      err.println("switchboard: could not send SIGUSR1 to pid " + pid + ": " + output);
      return false;
    }
    return true;
  }

  private static int fail(PrintWriter err, Path home, String reason) {
    err.println("switchboard: restart failed: " + reason + ". Last log lines:");
    GatewayProcess.lastLogLines(home, 20).forEach(l -> err.println("  " + l));
    var console = GatewayProcess.lastConsoleLines(home, 10);
    if (!console.isEmpty()) {
      err.println("Last lines of " + home.resolve("logs").resolve("console.log") + ":");
      console.forEach(l -> err.println("  " + l));
    }
    return ExitCodes.CRASHED;
  }
}
