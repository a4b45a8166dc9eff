package dev.switchboard.cli;

import dev.switchboard.common.Version;
import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.lifecycle.Gateway;
import dev.switchboard.lifecycle.Signals;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard run}: the gateway in the foreground. */
@Command(name = "run", description = "Run the gateway in the foreground until it is stopped.")
final class RunSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Override
  public Integer call() {
    return runGateway(homeOption.resolve(root.env()), root.env(), root.arguments(), root.signals());
  }

  /** The gateway in this process, until it stops; also {@link PlainRun}'s way in. */
  static int runGateway(
      Path home, Map<String, String> env, List<String> arguments, Signals signals) {
    try {
      Gateway.prepareHome(home);
    } catch (IOException e) {
      System.err.println("switchboard: cannot create the state directory " + home + ": " + e);
      return ExitCodes.CRASHED;
    }
    Logging.forGateway(home);
    // Otherwise an exception that escapes a thread is printed to stderr only, not the log file.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> LoggerFactory.getLogger(RunSubcommand.class)
            .error("uncaught exception in thread {}", thread.getName(), error));
    return Gateway.run(new Gateway.Launch(
        home,
        env,
        relaunchCommand(arguments),
        Version.current(),
        signals,
        Logging::setLevel,
        SecretMask::set));
  }

  /** This process's own command line, to start an identical one after a restart. */
  static List<String> relaunchCommand(List<String> arguments) {
    ProcessHandle.Info info = ProcessHandle.current().info();
    if (info.command().isPresent() && info.arguments().isPresent()) {
      List<String> cmd = new ArrayList<>();
      cmd.add(info.command().get());
      cmd.addAll(List.of(info.arguments().get()));
      return cmd;
    }
    // Some systems hide other processes' arguments; rebuild the java command line instead.
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(arguments);
    return cmd;
  }

  /**
   * {@code switchboard run --home HOME} with this JVM's own Java, options and jar, for the
   * service unit and for {@code start}: what was tested by hand is what runs.
   */
  static List<String> commandFor(SwitchboardCommand root, Path home) {
    List<String> self = relaunchCommand(root.arguments());
    List<String> cmd =
        new ArrayList<>(self.subList(0, self.size() - root.arguments().size()));
    cmd.addAll(List.of("run", "--home", home.toAbsolutePath().toString()));
    return cmd;
  }
}
