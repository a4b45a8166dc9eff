package dev.switchboard.cli;

import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.service.SystemctlRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard uninstall}: stops, disables and removes the unit install wrote. */
@Command(name = "uninstall", description = "Stops and disables the systemd service and removes"
    + " its unit file (the state directory is kept).")
final class UninstallSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Option(names = "--system", description = "The system unit instead of your user unit.")
  boolean system;

  @Override
  public Integer call() throws Exception {
    ServiceInstaller installer = new ServiceInstaller(SystemctlRunner.SYSTEM, root.env(),
        Path.of(System.getProperty("user.home")));
    try {
      installer.uninstall(system ? ServiceInstaller.Scope.SYSTEM : ServiceInstaller.Scope.USER)
          .forEach(l -> System.out.println("switchboard: " + l));
      return ExitCodes.STOPPED;
    } catch (ServiceInstaller.InstallException e) {
      System.err.println("switchboard: " + e.getMessage());
      return ExitCodes.CRASHED;
    }
  }
}
