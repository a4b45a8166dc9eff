package dev.switchboard.cli;

import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.lifecycle.GatewayState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
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
@Command(
    name = "restart",
    description = {
      "Restart the running gateway and wait until the new process is ready.",
      "Exit code 0 when the new process runs; 1 with the reason and the last log lines if not."
    })
final class RestartSubcommand implements Callable<Integer> {
  /** A restarted gateway must be up this long after the old one's stop budget. */
  private static final Duration START_ALLOWANCE = Duration.ofSeconds(60);

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long to wait (default: drain_timeout + shutdown_grace + 60 s).")
  @Nullable
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
      return CliExit.FAILED;
    }
    Optional<ProcessHandle> process = gw.handle();
    if (process.isEmpty()) {
      err.println("switchboard: not running (home " + home + "); start it with 'switchboard run'"
          + " or through its service manager.");
      return CliExit.FAILED;
    }
    long oldPid = process.get().pid();
    Duration timeout = timeoutSeconds != null
        ? Duration.ofSeconds(timeoutSeconds)
        : gw.stopBudget(root.env()).plus(START_ALLOWANCE);
    out.println("Restarting Switchboard (pid " + oldPid + "), waiting up to " + timeout.toSeconds()
        + " s for the new process...");
    out.flush();
    NewGatewayWait wait = NewGatewayWait.watching(home);
    if (!sendUsr1(oldPid, err)) {
      return CliExit.FAILED;
    }
    NewGatewayWait.Outcome outcome = wait.await(
        oldPid,
        timeout,
        s -> s.isPresent() && !process.get().isAlive()
            ? noSuccessorComing(s.get())
            : Optional.empty());
    if (outcome instanceof NewGatewayWait.Outcome.Ready(GatewayState state)) {
      out.println(
          "Restarted: pid " + state.pid() + " is running (version " + state.version() + ").");
      return CliExit.OK;
    }
    if (outcome instanceof NewGatewayWait.Outcome.Failed(String reason)) {
      return fail(err, home, reason);
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
      return Optional.of("the gateway stopped instead of restarting (" + last.exitReason() + ")");
    }
    if (last.exitCode() != null && last.exitCode() == ExitCodes.CRASHED) {
      return Optional.of(
          "the old process could not start its successor (" + last.exitReason() + ")");
    }
    return Optional.empty();
  }

  private static boolean sendUsr1(long pid, PrintWriter err)
      throws IOException, InterruptedException {
    // The JDK can only send SIGTERM and SIGKILL to another process; kill(1) sends the rest.
    Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid))
        .redirectErrorStream(true)
        .start();
    String output =
        new String(kill.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
    if (kill.waitFor() != 0) {
      err.println("switchboard: could not send SIGUSR1 to pid " + pid + ": " + output);
      return false;
    }
    return true;
  }

  private static int fail(PrintWriter err, Path home, String reason) {
    return NewGatewayWait.fail(err, home, "restart", reason);
  }
}
