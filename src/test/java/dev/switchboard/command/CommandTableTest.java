package dev.switchboard.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.command.CommandTable.Invocation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTableTest {
  /** A command that does nothing, with the given name and aliases. */
  private record Named(String name, List<String> aliases) implements Command {
    Named(String name, String... aliases) {
      this(name, List.of(aliases));
    }

    @Override
    public String description() {
      return "does " + name;
    }

    @Override
    public void execute(CommandContext context) {
      context.reply(name + " ran");
    }
  }

  @ParameterizedTest(name = "[{index}] <{0}> -> /{1} <{2}>")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "/status|status|``",
        "/status@MyBot|status|``",
        "/status@My_Bot_2 now|status|now",
        "/new  extra args|new|extra args",
        "/new\textra|new|extra",
        "/STATUS|status|``",
        "/Help|help|``",
        "/restart@SomeBot   please now  |restart|please now",
        "`   /stop   `|stop|``",
        "/a|a|``",
        "/x_1 y|x_1|y",
      })
  void commandShapes(String text, String name, String args) {
    assertThat(CommandTable.parse(text)).contains(new Invocation(name, args));
  }

  @Test
  void argumentsKeepTheirCaseAndInnerNewlines() {
    assertThat(CommandTable.parse("/new First line\nSecond Line"))
        .contains(new Invocation("new", "First line\nSecond Line"));
  }

  @Test
  void newlineRightAfterTheNameStartsTheArguments() {
    assertThat(CommandTable.parse("/new\nhello")).contains(new Invocation("new", "hello"));
  }

  @Test
  void nameOfThirtyTwoCharactersIsACommand() {
    String name = "a" + "b".repeat(31);

    assertThat(CommandTable.parse("/" + name)).contains(new Invocation(name, ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/home/user/file",
        "/usr/bin/env python",
        "hello /stop",
        "please /status",
        "status",
        "",
        "   ",
        "/",
        "/ status",
        "//status",
        "/1status",
        "/_status",
        "/status/extra",
        "/status@",
        "/status@ bot",
        "/sta-tus",
        "/status.",
        "/status:now",
        "\\/status",
      })
  void notACommand(String text) {
    assertThat(CommandTable.parse(text)).isEmpty();
  }

  @Test
  void nameOfThirtyThreeCharactersIsNotACommand() {
    assertThat(CommandTable.parse("/a" + "b".repeat(32))).isEmpty();
  }

  @Test
  void findIsCaseInsensitive() {
    CommandTable table = CommandTable.standard(List.of());

    assertThat(table.find("STATUS")).get().isInstanceOf(StatusCommand.class);
    assertThat(table.find("Status")).get().isInstanceOf(StatusCommand.class);
  }

  @Test
  void findByAlias() {
    CommandTable table = CommandTable.standard(List.of());

    assertThat(table.find("reset")).get().isInstanceOf(NewCommand.class);
    assertThat(table.find("RESET")).get().isSameAs(table.find("new").orElseThrow());
  }

  @Test
  void findUnknownIsEmpty() {
    assertThat(CommandTable.standard(List.of()).find("frobnicate")).isEmpty();
  }

  @Test
  void parsedNameFindsTheCommand() {
    CommandTable table = CommandTable.standard(List.of());
    Invocation inv = CommandTable.parse("/Stop@MyBot").orElseThrow();

    assertThat(table.find(inv.name())).get().isInstanceOf(StopCommand.class);
  }

  @Test
  void standardHasTheCommandsInOrder() {
    assertThat(CommandTable.standard(List.of()).all())
        .extracting(Command::name)
        .containsExactly(
            "new", "stop", "status", "help", "restart", "sethome", "cron", "model", "retry", "undo",
            "queue", "busy", "tools", "voice", "whoami", "usage", "approve", "deny");
  }

  @Test
  void standardAliasesAreOnlyResetForNew() {
    assertThat(CommandTable.standard(List.of()).all())
        .filteredOn(c -> !c.aliases().isEmpty())
        .extracting(Command::name, Command::aliases)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("new", List.of("reset")));
  }

  @Test
  void everyStandardCommandHasADescription() {
    assertThat(CommandTable.standard(List.of()).all())
        .allSatisfy(c -> assertThat(c.description()).isNotBlank());
  }

  @Test
  void extraCommandsComeAfterTheStandardOnes() {
    CommandTable table = CommandTable.standard(List.of(new Named("deploy", "d")));

    assertThat(table.all()).extracting(Command::name).last().isEqualTo("deploy");
    assertThat(table.all()).extracting(Command::name).startsWith("new", "stop", "status");
    assertThat(table.find("d")).get().extracting(Command::name).isEqualTo("deploy");
  }

  @Test
  void extraCommandMayNotReuseAStandardName() {
    assertThatThrownBy(() -> CommandTable.standard(List.of(new Named("help"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command name used twice: /help");
  }

  @Test
  void extraCommandMayNotReuseAStandardAlias() {
    assertThatThrownBy(() -> CommandTable.standard(List.of(new Named("wipe", "reset"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command name used twice: /reset");
  }

  @Test
  void duplicateNamesDifferingOnlyInCaseAreRejected() {
    assertThatThrownBy(() -> new CommandTable(List.of(new Named("deploy"), new Named("Deploy"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command name used twice: /Deploy");
  }

  @Test
  void aliasEqualToItsOwnNameIsRejected() {
    assertThatThrownBy(() -> new CommandTable(List.of(new Named("go", "go"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aliasClashingWithALaterNameIsRejected() {
    assertThatThrownBy(() -> new CommandTable(List.of(new Named("a", "b"), new Named("b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command name used twice: /b");
  }

  @Test
  void allIsImmutableAndUnaffectedByTheInputList() {
    List<Command> input = new java.util.ArrayList<>(List.of(new Named("one")));
    CommandTable table = new CommandTable(input);
    input.add(new Named("two"));

    assertThat(table.all()).extracting(Command::name).containsExactly("one");
    assertThat(table.find("two")).isEmpty();
    assertThatThrownBy(() -> table.all().add(new Named("three")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
