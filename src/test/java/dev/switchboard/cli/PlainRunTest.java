package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link PlainRun} reads {@code run [--home DIR]} without picocli: whatever it takes, picocli
 * would have read to the same state directory, and whatever else it leaves to picocli.
 */
class PlainRunTest {
  private static final Map<String, String> ENV = Map.of("SWITCHBOARD_HOME", "/srv/from-env");

  @Test
  void readsTheFormsARestartUses() {
    assertThat(PlainRun.parse(List.of("run"))).contains(new PlainRun(null));
    assertThat(PlainRun.parse(List.of("run", "--home", "/srv/sb")))
        .contains(new PlainRun(Path.of("/srv/sb")));
    assertThat(PlainRun.parse(List.of("run", "--home=relative/dir")))
        .contains(new PlainRun(Path.of("relative/dir")));
  }

  @Test
  void leavesEverythingElseToPicocli() {
    for (List<String> args : List.of(
        List.<String>of(),
        List.of("status"),
        List.of("status", "--home", "/srv/sb"),
        List.of("run", "--help"),
        List.of("run", "-h"),
        List.of("run", "--home"),
        List.of("run", "--home="),
        List.of("run", "--home", ""),
        List.of("run", "--home", "--help"),
        List.of("run", "--home", "-x"),
        List.of("run", "--home", "/a", "--home", "/b"),
        List.of("run", "--home", "/a", "extra"),
        List.of("run", "/a"),
        List.of("run", "--homes", "/a"),
        List.of("run", "--home", "a\0b"),
        List.of("--home", "/a", "run"))) {
      assertThat(PlainRun.parse(args)).as("%s", args).isEmpty();
    }
  }

  @Property(tries = 300)
  void whatItReadsPicocliReadsToTheSameStateDirectory(@ForAll("commandLines") List<String> args) {
    Optional<PlainRun> plain = PlainRun.parse(args);
    if (plain.isEmpty()) {
      return; // picocli's, as before
    }
    assertThat(HomeOption.resolve(plain.get().home(), ENV)).isEqualTo(picocliHome(args));
  }

  @Test
  void theGeneratedCommandLinesIncludeEveryFormItReads() {
    assertThat(whatItReadsPicocliReadsTo(List.of("run"))).isEqualTo(Path.of("/srv/from-env"));
    assertThat(whatItReadsPicocliReadsTo(List.of("run", "--home", "x/../y")))
        .isEqualTo(Path.of("y").toAbsolutePath());
    assertThat(whatItReadsPicocliReadsTo(List.of("run", "--home=/srv/a/./b")))
        .isEqualTo(Path.of("/srv/a/b"));
  }

  private static Path whatItReadsPicocliReadsTo(List<String> args) {
    Path plain = HomeOption.resolve(PlainRun.parse(args).orElseThrow().home(), ENV);
    assertThat(plain).isEqualTo(picocliHome(args));
    return plain;
  }

  @SuppressWarnings("NullAway") // parsing needs no signals
  private static Path picocliHome(List<String> args) {
    CommandLine cl = SwitchboardCommand.commandLine(args, ENV, null);
    CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
    RunSubcommand run = (RunSubcommand) parsed.subcommand().commandSpec().userObject();
    return run.homeOption.resolve(ENV);
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> word = Arbitraries.oneOf(
        Arbitraries.of("run", "--home", "--home=", "-h", "--help", "", "/", ".", ".."),
        Arbitraries.strings().withChars("abz/.-=_ ").ofMinLength(1).ofMaxLength(12));
    Arbitrary<List<String>> tail = word.list().ofMaxSize(4);
    return Combinators.combine(Arbitraries.of("run", "status"), tail).as((first, rest) -> {
      List<String> args = new ArrayList<>();
      args.add(first);
      args.addAll(rest);
      return args;
    });
  }
}
