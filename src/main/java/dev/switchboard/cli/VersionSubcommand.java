package dev.switchboard.cli;

import dev.switchboard.common.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code switchboard version}. */
@Command(name = "version", description = "Print the version.")
final class VersionSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  /** Accepted, like on every subcommand, so scripts can pass it everywhere; unused here. */
  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    SwitchboardCommand.exitOnSignals(root.signals());
    spec.commandLine()
        .getOut()
        .println("switchboard " + Version.current() + " (Java " + Runtime.version() + ")");
    return 0;
  }
}
