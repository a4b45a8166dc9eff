package dev.switchboard.cli;

import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code switchboard stop}: SIGTERM to the gateway, then wait until its process is gone. */
@Command(name = "stop", description = {
    "Stop the running gateway and wait until its process has exited.",
    "Running turns get the drain timeout to finish. Exit code 0 when it stopped or was not"
        + " running, 1 when it is still running after the timeout."})
final class StopSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "How long to wait (default: drain_timeout + shutdown_grace + 10 s).")
  Long timeoutSeconds;

  @Override
  public Integer call() throws IOException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    GatewayProcess gw = GatewayProcess.look(home);
    Optional<ProcessHandle> process = gw.handle();
    if (gw.unidentified()) {
      err.println("switchboard: " + gw.unidentifiedExplanation());
      return ExitCodes.CRASHED;
    }
    if (process.isEmpty()) {
      out.println("Switchboard is not running (home " + home + ").");
      if (gw.stale()) {
        out.println(gw.staleExplanation());
      }
      return ExitCodes.STOPPED;
    }
    Duration timeout = timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds)
        : gw.stopBudget(root.env()).plusSeconds(10);
    long pid = process.get().pid();
    out.println("Stopping Switchboard (pid " + pid + "), waiting up to " + timeout.toSeconds()
        + " s...");
    out.flush();
    if (!process.get().destroy()) {
      err.println("switchboard: could not send SIGTERM to pid " + pid
          + " (is it running as another user?)");
      return ExitCodes.CRASHED;
    }
    try {
      process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      String state = StateFile.read(home).map(GatewayState::state).orElse("unknown");
      err.println("switchboard: pid " + pid + " is still running after " + timeout.toSeconds()
          + " s (state: " + state + "). Last log lines:");
      GatewayProcess.lastLogLines(home, 15).forEach(l -> err.println("  " + l));
      return ExitCodes.CRASHED;
    } catch (InterruptedException | ExecutionException e) {
      err.println("switchboard: stopped waiting: " + e);
      return ExitCodes.CRASHED;
    }
    String how = StateFile.read(home).filter(s -> s.pid() == pid && s.exitCode() != null)
        .map(s -> " (exit code " + s.exitCode() + ")").orElse("");
    out.println("Stopped" + how + ".");
    return ExitCodes.STOPPED;
  }
}
