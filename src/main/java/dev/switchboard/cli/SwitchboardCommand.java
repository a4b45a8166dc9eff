package dev.switchboard.cli;

import dev.switchboard.common.Version;
import dev.switchboard.config.ConfigException;
import dev.switchboard.lifecycle.Signals;
import dev.switchboard.service.InstalledUnit;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.service.SystemctlRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code switchboard <subcommand>}. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = SwitchboardCommand.VersionProvider.class,
    description = "A gateway between AI agents and chat platforms.")
final class SwitchboardCommand implements Runnable {
  /** The subcommands by the names their annotations give, in the order help lists them. */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
      RunSubcommand.class,
      StartSubcommand.class,
      StopSubcommand.class,
      RestartSubcommand.class,
      StatusSubcommand.class,
      DoctorSubcommand.class,
      PairingSubcommand.class,
      SendSubcommand.class,
      CronSubcommand.class,
      InstallSubcommand.class,
      UninstallSubcommand.class,
      VersionSubcommand.class);

  private final Map<String, String> env;
  private final Signals signals;
  private final List<String> arguments;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  SwitchboardCommand(List<String> arguments, Map<String, String> env, Signals signals) {
    this.arguments = List.copyOf(arguments);
    this.env = Map.copyOf(env);
    this.signals = signals;
  }

  /** The command line as given, to start an identical process after a restart. */
  List<String> arguments() {
    return arguments;
  }

  Map<String, String> env() {
    return env;
  }

  Signals signals() {
    return signals;
  }

  /** The systemd unit 'switchboard install' wrote for {@code home}, with systemd's view. */
  Optional<InstalledUnit> installedUnit(Path home) throws InterruptedException {
    return InstalledUnit.find(
        new ServiceInstaller(SystemctlRunner.SYSTEM, env, Path.of(System.getProperty("user.home"))),
        SystemctlRunner.SYSTEM,
        home);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static int execute(String[] args, Map<String, String> env, Signals signals) {
    return commandLine(List.of(args), env, signals).execute(args);
  }

  static CommandLine commandLine(List<String> args, Map<String, String> env, Signals signals) {
    CommandLine cl = new CommandLine(new SwitchboardCommand(args, env, signals));
    // picocli builds a subcommand's model by reflecting over its annotations, and for all ten
    // that was a tenth of a start's CPU (a restart waits for it): a command line that begins
    // with a subcommand's name gets that one alone. Anything else (help, a typo) gets all.
    Class<?> named = args.isEmpty() ? null : SUBCOMMANDS.get(args.getFirst());
    SUBCOMMANDS.forEach((name, type) -> {
      if (named == null || named == type) {
        cl.addSubcommand(name, type);
      }
    });
    cl.setExitCodeExceptionMapper(SwitchboardCommand::exitCode);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> failed(e, commandLine.getErr()));
    return cl;
  }

  /** What a subcommand that threw says, and the exit code it ends with. */
  static int failed(Exception e, PrintWriter err) {
    if (e instanceof ConfigException) {
      err.println("switchboard: configuration error: " + e.getMessage());
    } else {
      err.println("switchboard: " + e);
    }
    return exitCode(e);
  }

  private static int exitCode(Throwable e) {
    return e instanceof ConfigException ? CliExit.CONFIG_ERROR : CliExit.FAILED;
  }

  private static Map<String, Class<?>> subcommands(Class<?>... types) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (Class<?> type : types) {
      byName.put(Objects.requireNonNull(type.getAnnotation(Command.class)).name(), type);
    }
    return Collections.unmodifiableMap(byName);
  }

  /** Only {@code run} keeps signals for itself; the others end as the signal asks. */
  static void exitOnSignals(Signals signals) {
    signals.attach(name -> ExitGuard.exit(128
        + switch (name) {
          case "HUP" -> 1;
          case "INT" -> 2;
          case "USR1" -> 10;
          default -> 15;
        }));
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"switchboard " + Version.current() + " (Java " + Runtime.version() + ")"
      };
    }
  }
}
