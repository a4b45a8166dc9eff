package dev.switchboard.cli;

import dev.switchboard.common.Version;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.lifecycle.Gateway;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.service.LaunchdPlist;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.service.SystemctlRunner;
import dev.switchboard.service.SystemdUnit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard install}: the systemd unit for this gateway (its state directory, its
 * configuration's drain timeout and watchdog, this same Java and jar), written, enabled and
 * started; or only printed.
 */
@Command(
    name = "install",
    description = {
      "Installs the gateway as a systemd service (a user unit unless --system), enables it and"
          + " starts it; returns once it reported ready.",
      "--print shows the unit without writing anything."
    })
final class InstallSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Option(
      names = "--system",
      description = "A system unit in /etc/systemd/system (needs root)"
          + " running as --user, instead of a unit of your own user manager.")
  boolean system;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description =
          "The account a system unit" + " runs as (default: $SUDO_USER, else the current user).")
  @Nullable
  String user;

  @Option(names = "--print", description = "Print the unit and change nothing.")
  boolean print;

  @Option(names = "--no-start", description = "Write and enable the unit but do not start it.")
  boolean noStart;

  @Option(
      names = "--instance",
      description = "One of several gateways on this host, each with its state directory under"
          + " the same parent (on a shared PostgreSQL database, one is active and the others"
          + " stand by): writes the template unit switchboard@.service and enables and starts"
          + " switchboard@<state directory's name>.service.")
  boolean instance;

  @Option(
      names = "--launchd",
      description = "A launchd LaunchAgent instead of a systemd unit"
          + " (the default on macOS; with --print, anywhere).")
  boolean launchd;

  @Override
  public Integer call() throws Exception {
    Path home = homeOption.resolve(root.env());
    Config config = new ConfigLoader(PluginCatalog.discover().schema()).load(home, root.env());
    if (launchd || LaunchAgents.isMacOs()) {
      if (instance) {
        System.err.println("switchboard: --instance is for systemd's template units; launchd"
            + " has none (install each gateway as its own LaunchAgent)");
        return CliExit.FAILED;
      }
      return installLaunchAgent(home, config);
    }
    SystemdUnit unit = unit(home, config);
    String name = instanceName(home);
    if (instance && !SystemdUnit.validInstanceName(name)) {
      System.err.println("switchboard: --instance runs switchboard@<name> for the state directory"
          + " <parent>/<name>, and '" + name + "' cannot be a systemd instance name as it is;"
          + " name the directory with letters, digits, '_', '.', ':' or '-' only");
      return CliExit.FAILED;
    }
    String text =
        instance ? unit.renderTemplate(Version.current()) : unit.render(Version.current());
    if (instance) {
      Optional<String> refused = templateRefusal(text, home);
      if (refused.isPresent()) {
        System.err.println("switchboard: " + refused.get());
        return CliExit.FAILED;
      }
    }
    if (print) {
      System.out.print(text);
      return CliExit.OK;
    }
    if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
      System.err.println("switchboard: systemd does not run this system's services"
          + " (/run/systemd/system is missing); this release installs systemd units only."
          + " Run the gateway under your supervisor with 'switchboard run' (docs/operations.md,"
          + " \"Restarts and service managers\").");
      return CliExit.FAILED;
    }
    Gateway.prepareHome(home);
    prepareWorkDirectories(home, config, unit.user(), serviceEnvironment(root, unit.user()));
    ServiceInstaller installer = installer();
    try {
      ServiceInstaller.Scope scope =
          system ? ServiceInstaller.Scope.SYSTEM : ServiceInstaller.Scope.USER;
      (instance
              ? installer.installInstance(text, scope, name, !noStart)
              : installer.install(text, scope, !noStart))
          .forEach(l -> System.out.println("switchboard: " + l));
      return CliExit.OK;
    } catch (ServiceInstaller.InstallException e) {
      System.err.println("switchboard: " + e.getMessage());
      // From the last error on: a stack trace's tail alone does not say what went wrong.
      List<String> log = GatewayProcess.lastLogLines(home, 80);
      int from = Math.max(0, log.size() - 20);
      for (int i = log.size() - 1; i >= 0; i--) {
        if (log.get(i).contains(" ERROR ")) {
          from = i;
          break;
        }
      }
      if (!log.isEmpty()) {
        System.err.println("switchboard: the gateway's log:");
        log.subList(from, Math.min(log.size(), from + 20))
            .forEach(l -> System.err.println("  " + l));
      }
      return CliExit.FAILED;
    }
  }

  private int installLaunchAgent(Path home, Config config) throws Exception {
    if (system) {
      System.err.println("switchboard: --system is for systemd; with launchd the gateway is"
          + " installed as your own LaunchAgent (it runs while you are logged in)");
      return CliExit.FAILED;
    }
    String text = new LaunchdPlist(
            RunSubcommand.commandFor(root, home),
            home,
            config.get(CoreKeys.DRAIN_TIMEOUT).plus(config.get(CoreKeys.SHUTDOWN_GRACE)))
        .render(Version.current());
    if (print) {
      System.out.print(text);
      return CliExit.OK;
    }
    if (!LaunchAgents.isMacOs()) {
      System.err.println("switchboard: launchd runs on macOS only; this is "
          + System.getProperty("os.name") + ". 'switchboard install --launchd --print' shows"
          + " the plist; on Linux, 'switchboard install' writes a systemd unit.");
      return CliExit.FAILED;
    }
    Gateway.prepareHome(home);
    long previous = StateFile.read(home).map(GatewayState::pid).orElse(-1L);
    NewGatewayWait wait = NewGatewayWait.watching(home);
    try {
      LaunchAgents.installer().install(text).forEach(l -> System.out.println("switchboard: " + l));
    } catch (ServiceInstaller.InstallException e) {
      System.err.println("switchboard: " + e.getMessage());
      return CliExit.FAILED;
    }
    return switch (wait.await(previous, Duration.ofSeconds(100), s -> Optional.empty())) {
      case NewGatewayWait.Outcome.Ready r -> {
        System.out.println("switchboard: pid " + r.state().pid() + " is running");
        yield CliExit.OK;
      }
      case NewGatewayWait.Outcome.Failed f ->
        NewGatewayWait.fail(
            new PrintWriter(System.err, true, System.err.charset()), home, "install", f.reason());
      case NewGatewayWait.Outcome.TimedOut t ->
        NewGatewayWait.fail(
            new PrintWriter(System.err, true, System.err.charset()),
            home,
            "install",
            "launchd loaded the job but no gateway reported running within 100 s");
    };
  }

  /**
   * Why the template must not be written for {@code home}: its ExecStart would not name the
   * instance's directory (a parent path systemd cannot take as it is), or the template already
   * installed serves directories under another parent, which rewriting it would take from the
   * instances installed before.
   */
  private Optional<String> templateRefusal(String text, Path home) throws IOException {
    Path parent = home.toAbsolutePath().normalize().getParent();
    if (!SystemdUnit.homeOf(text).map(h -> h.toString().endsWith("/%i")).orElse(false)) {
      return Optional.of("--instance cannot name the state directories under " + parent
          + " in a unit as they are; use a parent path without '$', '%', quotes or"
          + " backslashes");
    }
    Path template = installer()
        .templatePath(system ? ServiceInstaller.Scope.SYSTEM : ServiceInstaller.Scope.USER);
    if (!Files.isRegularFile(template)) {
      return Optional.empty();
    }
    Optional<Path> served = SystemdUnit.homeOf(Files.readString(template)).map(Path::getParent);
    if (served.isPresent() && !served.get().equals(parent)) {
      return Optional.of("the installed template " + template + " runs the state directories"
          + " under " + served.get() + ", and " + home + " is not one of them; every instance of"
          + " switchboard@.service has its directory under the same parent");
    }
    return Optional.empty();
  }

  /** The instance name of {@code home} under {@code switchboard@.service}: its own name. */
  static String instanceName(Path home) {
    Path name = home.toAbsolutePath().normalize().getFileName();
    return name == null ? "" : name.toString();
  }

  ServiceInstaller installer() {
    return new ServiceInstaller(
        SystemctlRunner.SYSTEM, root.env(), Path.of(System.getProperty("user.home")));
  }

  private SystemdUnit unit(Path home, Config config) throws InterruptedException {
    String account = null;
    if (system) {
      account = user != null
          ? user
          : root.env().getOrDefault("SUDO_USER", System.getProperty("user.name"));
    }
    return unitFor(root, home, config, account);
  }

  /**
   * The unit {@code install} writes for {@code home} now; {@code account} is the system unit's
   * {@code User=}, null for a user unit. Also what {@code doctor} compares the installed one to.
   */
  static SystemdUnit unitFor(
      SwitchboardCommand root, Path home, Config config, @Nullable String account)
      throws InterruptedException {
    List<String> command = RunSubcommand.commandFor(root, home);
    return new SystemdUnit(
        command,
        home,
        account,
        config.get(CoreKeys.WATCHDOG),
        config.get(CoreKeys.DRAIN_TIMEOUT).plus(config.get(CoreKeys.SHUTDOWN_GRACE)),
        List.of("MALLOC_ARENA_MAX=2"),
        PluginCatalog.discover().writablePaths(config, home, serviceEnvironment(root, account)));
  }

  /**
   * What the gateway's paths are worked out from under the unit: systemd sets a system unit's
   * HOME to its account's home directory, and a user unit runs as the installer.
   */
  static Map<String, String> serviceEnvironment(SwitchboardCommand root, @Nullable String account)
      throws InterruptedException {
    if (account == null || account.equals(System.getProperty("user.name"))) {
      return root.env();
    }
    return AccountHome.of(account).map(h -> Map.of("HOME", h.toString())).orElse(root.env());
  }

  /**
   * The agent backend's directories outside the state directory, made now: under the unit's
   * ProtectSystem=strict the gateway could not create them (owner-only, and owned by a system
   * unit's account).
   */
  private static void prepareWorkDirectories(
      Path home, Config config, @Nullable String account, Map<String, String> env)
      throws IOException {
    for (Path dir : PluginCatalog.discover().workDirectories(config, home, env)) {
      if (Files.isDirectory(dir)) {
        continue;
      }
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      if (account != null) {
        Files.setOwner(
            dir,
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(account));
      }
    }
  }
}
