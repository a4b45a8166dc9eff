package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox itself, with the real bubblewrap: what a sandboxed program can read, write and
 * see. Its files are under target/, not /tmp, since the sandbox's own /tmp would hide them all
 * and the test would prove nothing about the paths it hides on purpose.
 */
class BubblewrapTest {
  private Path dir;
  private Path bwrap;

  @BeforeEach
  void setUp() throws IOException {
    bwrap = AcpBackendFactory.findProgram("bwrap", "/usr/local/bin:/usr/bin:/bin");
    assertThat(bwrap)
        .as("bubblewrap is not installed: run scripts/test-packages.sh (./run-tests does it)")
        .isNotNull();
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bwrap-test-")
        .toAbsolutePath();
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void theProgramSeesNeitherTheHiddenPathsNorOtherProcessesAndWritesOnlyWhereItMay()
      throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve(".env"), "TELEGRAM_BOT_TOKEN=4242:secret\n");
    Path token = Files.writeString(dir.resolve("web_token"), "secret-token\n");
    Path work = Files.createDirectories(dir.resolve("work"));
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(Path.of("/tmp", "bwrap-test-" + ProcessHandle.current().pid()), "x");
    Bubblewrap sandbox = new Bubblewrap(
        bwrap,
        List.of(state, token, dir.resolve("not-there")),
        List.of(cache, dir.resolve("no-cache-yet")));
    String script = String.join(
        "\n",
        "cat " + state + "/.env 2>/dev/null",
        "echo entries $(ls -A " + state + " | wc -l)",
        "cat " + token + " 2>/dev/null || echo token unreadable",
        "touch ./made && echo wrote work",
        "touch " + cache + "/made && echo wrote cache",
        "touch " + elsewhere + "/made 2>/dev/null || echo refused elsewhere",
        "test -e /proc/" + ProcessHandle.current().pid() + " || echo no test process",
        "test -e /tmp/bwrap-test-" + ProcessHandle.current().pid() + " || echo own tmp",
        "echo pwd $(pwd)",
        "echo pid $$",
        "grep CapEff /proc/self/status");
    String out;
    try {
      out = runSucceeding(sandbox.wrap(List.of("/bin/sh", "-c", script), work), work);
    } finally {
      Files.delete(Path.of("/tmp", "bwrap-test-" + ProcessHandle.current().pid()));
    }

    assertThat(out)
        .doesNotContain("secret")
        .contains(
            "entries 0",
            "token unreadable",
            "wrote work",
            "wrote cache",
            "refused elsewhere",
            "no test process",
            "own tmp",
            "pwd " + work,
            "CapEff:\t0000000000000000");
    assertThat(out.lines().filter(l -> l.startsWith("pid ")).findFirst().orElseThrow())
        .matches("pid \\d");
    assertThat(work.resolve("made")).exists();
    assertThat(cache.resolve("made")).exists();
    assertThat(elsewhere.resolve("made")).doesNotExist();
    assertThat(dir.resolve("no-cache-yet")).doesNotExist();
  }

  @Test
  void aProgramUnderTmpKeepsItsDirectoryReadOnlyAndTheRestOfTmpStaysHidden() throws Exception {
    Path agentDir = Files.createTempDirectory(Path.of("/tmp"), "bwrap-agent-");
    Path other = Files.createTempDirectory(Path.of("/tmp"), "bwrap-other-");
    try {
      Files.writeString(agentDir.resolve("module.txt"), "module loaded\n");
      Files.writeString(other.resolve("secret.txt"), "secret\n");
      Path script = Files.writeString(
          agentDir.resolve("agent.sh"),
          String.join(
              "\n",
              "cat " + agentDir + "/module.txt",
              "cat " + other + "/secret.txt 2>/dev/null || echo other hidden",
              "touch " + agentDir + "/made 2>/dev/null || echo read-only",
              ""));
      Path work = Files.createDirectories(dir.resolve("work"));
      String out = runSucceeding(
          new Bubblewrap(bwrap, List.of(), List.of())
              .wrap(List.of("/bin/sh", script.toString()), work),
          work);
      assertThat(out)
          .doesNotContain("secret")
          .contains("module loaded", "other hidden", "read-only");
      assertThat(agentDir.resolve("made")).doesNotExist();
    } finally {
      for (Path d : List.of(agentDir, other)) {
        try (Stream<Path> all = Files.walk(d)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** Runs {@code argv} in {@code work}; it must end within 30 s with exit 0. Its output. */
  private static String runSucceeding(List<String> argv, Path work) throws Exception {
    return Processes.outputOfSuccess(
        new ProcessBuilder(argv).directory(work.toFile()), Duration.ofSeconds(30));
  }

  @Test
  void theProbeSaysItWorksHereAndWhyNotWhereItDoesNot() throws Exception {
    assertThat(new Bubblewrap(bwrap, List.of(), List.of()).probe()).isEmpty();
    Path fake = dir.resolve("bwrap");
    Files.writeString(
        fake,
        "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\n"
            + "echo 'second line' >&2\nexit 1\n");
    assertThat(fake.toFile().setExecutable(true)).isTrue();
    assertThat(new Bubblewrap(fake, List.of(), List.of()).probe())
        .hasValue(fake + " fails here (exit 1): bwrap: setting up uid map: Permission denied");
    List<String> missing = new ArrayList<>();
    missing.add(dir.resolve("no-bwrap").toString());
    assertThat(new Bubblewrap(Path.of(missing.getFirst()), List.of(), List.of()).probe())
        .hasValueSatisfying(why -> assertThat(why).contains("cannot be run"));
  }
}
