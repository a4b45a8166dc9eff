package dev.switchboard.cli;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.PluginCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard doctor}: checks the configuration, the state directory, the gateway's
 * record, the store's size, the installed service, each enabled platform's credentials and the
 * agent backend, and prints ok / warn / fail for each, with the fix. Changes nothing.
 */
@Command(
    name = "doctor",
    description = {
      "Checks the configuration, the state directory, the store's size, the service unit, the"
          + " platforms' credentials and the agent backend; prints ok, warn or fail with the fix"
          + " for each.",
      "Exit code 0 when nothing failed (warnings allowed), 1 otherwise."
    })
final class DoctorSubcommand implements Callable<Integer> {
  private static final String INDENT = "      ";

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    Path home = homeOption.resolve(root.env());
    out.println("Switchboard doctor, home " + home);
    List<Finding> findings = new ArrayList<>();
    PluginCatalog catalog = PluginCatalog.discover();
    Config config = null;
    try {
      config = new ConfigLoader(catalog.schema()).load(home, root.env());
      findings.add(Finding.ok(
          "config",
          "switchboard.yaml, .env and the environment are valid" + " (agent backend "
              + catalog.backendName(config) + ")"));
    } catch (ConfigException e) {
      findings.add(Finding.fail(
          "config",
          String.valueOf(e.getMessage()),
          "correct " + (e.key() == null ? home.resolve("switchboard.yaml") : e.key())
              + "; the gateway will not start"
              + " (exit 78) until then"));
    }
    print(out, findings);
    print(out, collect(findings, HomeDiagnosis.check(home)));
    print(out, collect(findings, LivePlatformsDiagnosis.check(home)));
    if (config != null) {
      print(out, collect(findings, List.of(StoreDiagnosis.check(catalog, home, config))));
      print(out, collect(findings, UnitDiagnosis.check(root, home, config)));
      print(out, collect(findings, catalog.diagnose(config, home)));
    } else {
      out.println("(the service, platform and agent checks need a valid configuration)");
    }
    long warnings =
        findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
    long failures =
        findings.stream().filter(f -> f.level() == Finding.Level.FAIL).count();
    out.println(warnings + " warning(s), " + failures + " failure(s).");
    return failures == 0 ? CliExit.OK : CliExit.FAILED;
  }

  private static List<Finding> collect(List<Finding> all, List<Finding> more) {
    all.addAll(more);
    return more;
  }

  private static void print(PrintWriter out, List<Finding> findings) {
    for (Finding f : findings) {
      String level = f.level().name().toLowerCase(Locale.ROOT);
      String label = f.subject() + " ".repeat(Math.max(1, 17 - f.subject().length()));
      @SuppressWarnings("StringSplitter") // a message's trailing newlines print nothing
      String[] lines = f.message().split("\n");
      out.println(level + " ".repeat(6 - level.length()) + label + lines[0]);
      for (int i = 1; i < lines.length; i++) {
        out.println(INDENT + "  " + lines[i]);
      }
      if (f.fix() != null) {
        out.println(INDENT + "fix: " + f.fix());
      }
    }
    out.flush();
  }
}
