package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained release ({@code scripts/release.sh}): made from the jar this build made,
 * unpacked somewhere else, and run with no JDK in the environment, as a user without Java does.
 */
class ReleaseProcessIT {
  @TempDir
  Path dir;

  private static String run(ProcessBuilder pb, Duration limit) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Tools the launcher and the start-up cache's script use; nothing else is on the PATH. */
  private static final List<String> TOOLS = List.of(
      "bash",
      "sh",
      "env",
      "readlink",
      "dirname",
      "cat",
      "cksum",
      "cut",
      "flock",
      "mktemp",
      "mkdir",
      "rm",
      "mv",
      "grep",
      "sed",
      "seq",
      "sleep",
      "kill",
      "tail");

  /**
   * An environment with no Java in it: a PATH of symbolic links to the few tools needed (the
   * machine's /usr/bin has an older java, 17), and a JAVA_HOME naming another JDK, which the
   * release must not use.
   */
  private void withoutJava(Map<String, String> env) throws IOException {
    Path bin = dir.resolve("bin");
    if (!Files.isDirectory(bin)) {
      Files.createDirectories(bin);
      for (String tool : TOOLS) {
        for (String place : List.of("/usr/bin/", "/bin/")) {
          Path found = Path.of(place + tool);
          if (Files.isExecutable(found)) {
            Files.createSymbolicLink(bin.resolve(tool), found);
            break;
          }
        }
      }
    }
    env.clear();
    env.put("PATH", bin.toString());
    env.put("HOME", dir.toString());
    env.put("LANG", "C.UTF-8");
    env.put("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
    env.put("SWITCHBOARD_HTTP_PORT", "0");
  }

  @Test
  void theTarballRunsTheGatewayOnItsOwnRuntimeAndStartUpCacheWhereverItIsUnpacked()
      throws Exception {
    Path out = dir.resolve("out");
    ProcessBuilder make = new ProcessBuilder(
        Path.of("scripts", "release.sh").toAbsolutePath().toString(), "--out", out.toString());
    make.environment().put("RELEASE_SKIP_BUILD", "1"); // the build already made the jar
    String made = run(make, Duration.ofMinutes(5));
    Path tarball = Path.of(made.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(tarball.getParent()).isEqualTo(out);
    assertThat(tarball.getFileName().toString())
        .matches("switchboard-[0-9][^/]*-linux-(x64|aarch64)\\.tar\\.gz");

    Path unpacked = dir.resolve("elsewhere");
    Files.createDirectories(unpacked);
    run(
        new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()),
        Duration.ofMinutes(1));
    String name = tarball.getFileName().toString().replace(".tar.gz", "");
    Path release = unpacked.resolve(name);
    assertThat(release.resolve("switchboard")).isExecutable();
    assertThat(release.resolve("lib/switchboard.jar")).isRegularFile();
    assertThat(release.resolve("lib/switchboard.aot")).isRegularFile();
    assertThat(release.resolve("README.md")).isRegularFile();
    // a runtime, not a JDK: no compiler, and only the modules the gateway needs
    assertThat(release.resolve("runtime/bin/javac")).doesNotExist();
    String modules = run(
        new ProcessBuilder(release.resolve("runtime/bin/java").toString(), "--list-modules"),
        Duration.ofMinutes(1));
    assertThat(modules)
        .contains("java.base@25", "java.net.http@25", "java.sql@25")
        .doesNotContain("jdk.compiler", "jdk.jshell");

    Path home = dir.resolve("home");
    Path log = dir.resolve("release.out");
    ProcessBuilder pb = new ProcessBuilder(
        release.resolve("switchboard").toString(), "run", "--home", home.toString());
    withoutJava(pb.environment());
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        if (!p.isAlive()) {
          throw new AssertionError("the release exited: " + Files.readString(log));
        }
        Optional<GatewayState> s = StateFile.read(home);
        return s.isPresent() && GatewayState.RUNNING.equals(s.get().state());
      });
      String command = p.info().command().orElse("");
      assertThat(command).isEqualTo(release.resolve("runtime/bin/java").toString());
      assertThat(p.info().arguments().map(List::of).orElse(List.of()))
          .contains("-XX:AOTCache=" + release.resolve("lib/switchboard.aot"));
      ChildGateway.signal(p.pid(), "TERM");
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      p.destroyForcibly();
    }
    // the shipped cache was used as it is, not made again on the user's machine
    assertThat(Files.readString(log)).doesNotContain("making the start-up cache");

    // and it fits the runtime where it now lies: AOTMode=on fails on a cache that does not
    List<String> use =
        new ArrayList<>(List.of(release.resolve("runtime/bin/java").toString()));
    use.addAll(
        List.of(Files.readString(release.resolve("lib/switchboard.aot.opts")).split(" ")));
    use.addAll(List.of(
        "-XX:+UnlockDiagnosticVMOptions",
        "-XX:-AOTReplayTraining",
        "-XX:AOTMode=on",
        "-XX:AOTCache=" + release.resolve("lib/switchboard.aot"),
        "--enable-native-access=ALL-UNNAMED",
        "-jar",
        release.resolve("lib/switchboard.jar").toString(),
        "version"));
    ProcessBuilder version = new ProcessBuilder(use);
    withoutJava(version.environment());
    assertThat(run(version, Duration.ofMinutes(1))).startsWith("switchboard ").contains("(Java 25");
  }
}
