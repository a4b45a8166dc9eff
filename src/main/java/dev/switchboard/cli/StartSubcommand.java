package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.DetachedLauncher;
import dev.switchboard.lifecycle.Gateway;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.service.InstalledUnit;
import dev.switchboard.service.SystemctlRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * {@code switchboard start}: through systemctl when {@code switchboard install} put the gateway
 * under systemd (so systemd supervises it), else as a detached background process; either way
 * it returns only once the new process reports running, or says why it did not.
 */
@Command(
    name = "start",
    description = {
      "Start the gateway in the background (through systemd when it is installed as a service)"
          + " and wait until it is ready.",
      "Exit code 0 when it runs; 78 for a configuration error; 1 with the reason and the last"
          + " log lines otherwise."
    })
final class StartSubcommand implements Callable<Integer> {
  /** The unit's TimeoutStartSec is 90 s; a few more for the state file to say so. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(100);

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "How long to wait for the gateway to be ready (default: 100).")
  @Nullable
  Long timeoutSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    GatewayProcess gw = GatewayProcess.look(home);
    if (gw.running()) {
      out.println("Switchboard is already running (pid "
          + (gw.lock().pid().isPresent() ? Long.toString(gw.lock().pid().getAsLong()) : "unknown")
          + ", home " + home + ").");
      return CliExit.OK;
    }
    try {
      // Checked here, where the user is looking, rather than only in a log after the fact.
      new ConfigLoader(PluginCatalog.discover().schema()).load(home, root.env());
    } catch (ConfigException e) {
      err.println("switchboard: configuration error: " + e.getMessage());
      return CliExit.CONFIG_ERROR;
    }
    long previousPid = gw.state().map(GatewayState::pid).orElse(-1L);
    Duration timeout =
        timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : DEFAULT_TIMEOUT;
    Optional<InstalledUnit> unit = root.installedUnit(home);
    // The wait watches the directory, so it must exist first: a first start may be the command
    // that creates it.
    Gateway.prepareHome(home);
    NewGatewayWait wait = NewGatewayWait.watching(home);
    if (unit.isPresent()) {
      List<String> command = unit.get().systemctl("start");
      out.println("Starting Switchboard through systemd: " + String.join(" ", command));
      out.flush();
      SystemctlRunner.Result r = SystemctlRunner.SYSTEM.run(command);
      if (r.exitCode() != 0) {
        return NewGatewayWait.fail(
            err,
            home,
            "start",
            String.join(" ", command) + " exited with " + r.exitCode() + ": "
                + r.output().strip());
      }
    } else if (LaunchAgents.isMacOs() && LaunchAgents.serves(home)) {
      List<String> command = LaunchAgents.installer().startCommand();
      out.println("Starting Switchboard through launchd: " + String.join(" ", command));
      out.flush();
      SystemctlRunner.Result r = SystemctlRunner.SYSTEM.run(command);
      if (r.exitCode() != 0) {
        return NewGatewayWait.fail(
            err,
            home,
            "start",
            String.join(" ", command) + " exited with " + r.exitCode() + ": "
                + r.output().strip());
      }
    } else {
      out.println("Starting Switchboard in the background (home " + home + "), waiting up to "
          + timeout.toSeconds() + " s...");
      out.flush();
      Path console = DetachedLauncher.start(
          RunSubcommand.commandFor(root, home), home.resolve("logs"), Map.of());
      out.println("Its output before logging starts goes to " + console + ".");
    }
    NewGatewayWait.Outcome outcome = wait.await(previousPid, timeout, s -> Optional.empty());
    return switch (outcome) {
      case NewGatewayWait.Outcome.Ready(GatewayState state) -> {
        out.println("Started: pid " + state.pid() + " is running (version " + state.version()
            + (state.http() != null ? ", http " + state.http() : "") + ").");
        yield CliExit.OK;
      }
      case NewGatewayWait.Outcome.Failed(String reason) ->
        NewGatewayWait.fail(err, home, "start", reason);
      case NewGatewayWait.Outcome.TimedOut t ->
        NewGatewayWait.fail(
            err,
            home,
            "start",
            "no gateway reported running within " + timeout.toSeconds() + " s ("
                + StateFile.read(home)
                    .filter(s -> s.pid() != previousPid)
                    .map(s -> "pid " + s.pid() + " is still " + s.state())
                    .orElse("no new process wrote its state file")
                + ")");
    };
  }
}
