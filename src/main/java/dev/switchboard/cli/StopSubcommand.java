package dev.switchboard.cli;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.service.InstalledUnit;
import dev.switchboard.service.SystemctlRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code switchboard stop}: SIGTERM to the gateway, then wait until its process is gone. */
@Command(
    name = "stop",
    description = {
      "Stop the running gateway and wait until its process has exited.",
      "Running turns get the drain timeout to finish. Exit code 0 when it stopped or was not"
          + " running, 1 when it is still running after the timeout."
    })
final class StopSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long to wait (default: drain_timeout + shutdown_grace + 10 s).")
  @Nullable
  Long timeoutSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    GatewayProcess gw = GatewayProcess.look(home);
    Optional<ProcessHandle> process = gw.handle();
    if (gw.unidentified()) {
      err.println("switchboard: " + gw.unidentifiedExplanation());
      return CliExit.FAILED;
    }
    if (process.isEmpty()) {
      out.println("Switchboard is not running (home " + home + ").");
      if (gw.stale()) {
        out.println(gw.staleExplanation());
      }
      return CliExit.OK;
    }
    Duration timeout = timeoutSeconds != null
        ? Duration.ofSeconds(timeoutSeconds)
        : gw.stopBudget(root.env()).plusSeconds(10);
    long pid = process.get().pid();
    Optional<InstalledUnit> unit = root.installedUnit(home)
        .filter(u -> u.active() && Long.toString(pid).equals(u.properties().get("MainPID")));
    if (unit.isPresent()) {
      return stopThroughSystemd(unit.get(), pid, home, out, err);
    }
    out.println(
        "Stopping Switchboard (pid " + pid + "), waiting up to " + timeout.toSeconds() + " s...");
    out.flush();
    if (!process.get().destroy()) {
      err.println("switchboard: could not send SIGTERM to pid " + pid
          + " (is it running as another user?)");
      return CliExit.FAILED;
    }
    try {
      process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      String state = StateFile.read(home).map(GatewayState::state).orElse("unknown");
      err.println("switchboard: pid " + pid + " is still running after " + timeout.toSeconds()
          + " s (state: " + state + "). Last log lines:");
      GatewayProcess.lastLogLines(home, 15).forEach(l -> err.println("  " + l));
      return CliExit.FAILED;
    } catch (InterruptedException | ExecutionException e) {
      err.println("switchboard: stopped waiting: " + e);
      return CliExit.FAILED;
    }
    String how = StateFile.read(home)
        .filter(s -> s.pid() == pid && s.exitCode() != null)
        .map(s -> " (exit code " + s.exitCode() + ")")
        .orElse("");
    out.println("Stopped" + how + ".");
    return CliExit.OK;
  }

  /**
   * The gateway is the main process of the installed unit: systemctl stops it, so systemd
   * records a stop rather than a service that ended by itself, and waits for the drain.
   */
  private static int stopThroughSystemd(
      InstalledUnit unit, long pid, Path home, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    List<String> command = unit.systemctl("stop");
    out.println(
        "Stopping Switchboard (pid " + pid + ") through systemd: " + String.join(" ", command));
    out.flush();
    try {
      SystemctlRunner.Result r = SystemctlRunner.SYSTEM.run(command);
      if (r.exitCode() != 0) {
        err.println("switchboard: " + String.join(" ", command) + " failed (exit " + r.exitCode()
            + "): " + r.output());
        return CliExit.FAILED;
      }
    } catch (IOException e) {
      err.println("switchboard: cannot run systemctl: " + e.getMessage());
      return CliExit.FAILED;
    }
    String how = StateFile.read(home)
        .filter(s -> s.pid() == pid && s.exitCode() != null)
        .map(s -> " (exit code " + s.exitCode() + ")")
        .orElse("");
    out.println("Stopped" + how + ".");
    return CliExit.OK;
  }
}
