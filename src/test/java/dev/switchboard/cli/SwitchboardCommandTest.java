package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Which subcommands the command line is built with: a command line naming one gets only that
 * one (building them all is a tenth of a start), anything else gets all, so help and the
 * error for a mistyped name are as before. Signals are not needed to parse: none are passed.
 */
class SwitchboardCommandTest {
  private static final List<String> ALL = List.of(
      "run",
      "start",
      "stop",
      "restart",
      "status",
      "doctor",
      "pairing",
      "send",
      "cron",
      "install",
      "uninstall",
      "version");

  @SuppressWarnings("NullAway")
  private static CommandLine commandLine(String... args) {
    return SwitchboardCommand.commandLine(List.of(args), Map.of(), null);
  }

  @Test
  void theSubcommandsAreNamedAsTheirAnnotationsNameThemInHelpOrder() {
    assertThat(SwitchboardCommand.SUBCOMMANDS.keySet()).containsExactlyElementsOf(ALL);
  }

  @Test
  void aCommandLineThatNamesASubcommandIsBuiltWithThatOneAlone() {
    for (String name : ALL) {
      assertThat(commandLine(name, "--home", "/nowhere").getSubcommands().keySet())
          .containsExactly(name);
    }
  }

  @Test
  void helpListsEverySubcommandAndAMistypedNameIsRefusedAsBefore() {
    CommandLine help = commandLine("--help");
    assertThat(help.getSubcommands().keySet()).containsExactlyElementsOf(ALL);
    StringWriter out = new StringWriter();
    help.setOut(new PrintWriter(out));
    assertThat(help.execute("--help")).isZero();
    assertThat(out.toString()).contains(ALL.stream().map(n -> "  " + n + " ").toList());

    CommandLine typo = commandLine("rnu");
    StringWriter err = new StringWriter();
    typo.setErr(new PrintWriter(err));
    assertThat(typo.execute("rnu")).isEqualTo(CliExit.FAILED);
    assertThat(err.toString()).contains("Unmatched argument at index 0: 'rnu'");
    assertThat(commandLine().getSubcommands()).hasSize(ALL.size());
  }
}
