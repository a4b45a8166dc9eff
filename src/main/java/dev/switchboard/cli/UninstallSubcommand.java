package dev.switchboard.cli;

import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.service.SystemctlRunner;
import dev.switchboard.service.SystemdUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard uninstall}: stops, disables and removes the unit install wrote. */
@Command(
    name = "uninstall",
    description = "Stops and disables the systemd service and removes"
        + " its unit file (the state directory is kept).")
final class UninstallSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Option(names = "--system", description = "The system unit instead of your user unit.")
  boolean system;

  @Mixin
  HomeOption homeOption;

  @Option(names = "--launchd", description = "The launchd LaunchAgent (the default on macOS).")
  boolean launchd;

  @Option(
      names = "--instance",
      description = "The instance switchboard@<state directory's name> of the template unit"
          + " (install --instance); the template goes too when no other instance is enabled.")
  boolean instance;

  @Override
  public Integer call() throws Exception {
    if (launchd || LaunchAgents.isMacOs()) {
      if (instance) {
        System.err.println(
            "switchboard: --instance is for systemd's template units; nothing" + " was changed");
        return CliExit.FAILED;
      }
      try {
        LaunchAgents.installer().uninstall().forEach(l -> System.out.println("switchboard: " + l));
        return CliExit.OK;
      } catch (ServiceInstaller.InstallException e) {
        System.err.println("switchboard: " + e.getMessage());
        return CliExit.FAILED;
      }
    }
    ServiceInstaller installer = new ServiceInstaller(
        SystemctlRunner.SYSTEM, root.env(), Path.of(System.getProperty("user.home")));
    ServiceInstaller.Scope scope =
        system ? ServiceInstaller.Scope.SYSTEM : ServiceInstaller.Scope.USER;
    if (instance) {
      try {
        installer
            .uninstallInstance(
                scope, InstallSubcommand.instanceName(homeOption.resolve(root.env())))
            .forEach(l -> System.out.println("switchboard: " + l));
        return CliExit.OK;
      } catch (ServiceInstaller.InstallException e) {
        System.err.println("switchboard: " + e.getMessage());
        return CliExit.FAILED;
      }
    }
    Optional<Path> served = Files.isRegularFile(installer.unitPath(scope))
        ? SystemdUnit.homeOf(Files.readString(installer.unitPath(scope)))
        : Optional.empty();
    boolean homeNamed = homeOption.home != null || root.env().containsKey("SWITCHBOARD_HOME");
    Path home = homeOption.resolve(root.env());
    if (homeNamed && served.isPresent() && !served.get().equals(home)) {
      System.err.println("switchboard: the installed unit " + installer.unitPath(scope)
          + " serves " + served.get() + ", not " + home + "; nothing was changed (name its"
          + " home with --home to remove it)");
      return CliExit.FAILED;
    }
    try {
      installer.uninstall(scope).forEach(l -> System.out.println("switchboard: " + l));
      return CliExit.OK;
    } catch (ServiceInstaller.InstallException e) {
      System.err.println("switchboard: " + e.getMessage());
      return CliExit.FAILED;
    }
  }
}
