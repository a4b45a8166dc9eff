package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code ./switchboard} launcher itself (with the jar this build made): it finds a
 * JDK 25 and {@code exec}s Java, so the process a supervisor signals is the gateway.
 */
class LauncherProcessIT {
  private static final Path LAUNCHER = Path.of("switchboard").toAbsolutePath();

  @TempDir
  Path dir;

  private ProcessBuilder launcher(String... args) {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString());
    pb.command().addAll(List.of(args));
    pb.environment().put("SWITCHBOARD_SKIP_BUILD", "1"); // the build already made the jar
    pb.environment().put("SWITCHBOARD_HTTP_PORT", "0");
    pb.environment().remove("INVOCATION_ID");
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("SWITCHBOARD_HOME");
    return pb.redirectErrorStream(true);
  }

  @Test
  void versionRunsOnTheJdkItFinds() throws Exception {
    Process p = launcher("version").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("switchboard ").contains("(Java 25");
  }

  @Test
  void theLaunchersProcessIsTheGatewayAndSigtermStopsItWithExitZero() throws Exception {
    Path home = dir.resolve("home");
    Path log = dir.resolve("launcher.out");
    Process p =
        launcher("run", "--home", home.toString()).redirectOutput(log.toFile()).start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            Optional<GatewayState> s = StateFile.read(home);
            if (!p.isAlive()) {
              throw new AssertionError("launcher exited: " + Files.readString(log));
            }
            return s.isPresent() && GatewayState.RUNNING.equals(s.get().state());
          });
      // exec: the shell became the JVM, so its pid is the gateway's
      assertThat(StateFile.read(home).orElseThrow().pid()).isEqualTo(p.pid());
      assertThat(p.info().command().orElse("")).endsWith("/bin/java");
      ChildGateway.signal(p.pid(), "TERM");
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(log)).isZero();
      assertThat(StateFile.read(home).orElseThrow().state()).isEqualTo("stopped");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * The start-up cache the launcher makes once per build: a training start writes it, and the
   * launcher's JVM options can use it. AOTMode=on makes a cache that does not fit an error
   * instead of a silent slow start.
   */
  @Test
  void theStartUpCacheComesFromATrainingStartAndFitsTheLaunchersJvm() throws Exception {
    String jar = System.getProperty("switchboard.jar");
    String java = ChildGateway.java();
    List<String> options = launcherDefaultOptions();
    Path cache = dir.resolve("switchboard.aot");
    List<String> train = new ArrayList<>(List.of(
        Path.of("scripts", "aot-cache.sh").toAbsolutePath().toString(),
        java,
        jar,
        cache.toString()));
    train.addAll(options);
    // a token in the caller's environment must not reach the training start
    ProcessBuilder training = new ProcessBuilder(train).redirectErrorStream(true);
    training.environment().put("TELEGRAM_BOT_TOKEN", "1:not-a-token-the-training-may-use");
    Process t = training.start();
    String trained = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(t.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(t.exitValue()).as(trained).isZero();
    assertThat(Files.size(cache)).isGreaterThan(1_000_000);

    List<String> use = new ArrayList<>(List.of(java));
    use.addAll(options);
    use.addAll(List.of(
        "-XX:AOTMode=on",
        "-XX:AOTCache=" + cache,
        "--enable-native-access=ALL-UNNAMED",
        "-jar",
        jar,
        "version"));
    Process v = new ProcessBuilder(use).redirectErrorStream(true).start();
    String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(v.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(v.exitValue()).as(out).isZero();
    assertThat(out).startsWith("switchboard ");
  }

  /** The JVM options ./switchboard starts Java with when SWITCHBOARD_JAVA_OPTS is not set. */
  private static List<String> launcherDefaultOptions() throws Exception {
    String line = Files.readAllLines(LAUNCHER).stream()
        .filter(l -> l.startsWith("default_opts=\""))
        .findFirst()
        .orElseThrow();
    return List.of(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')).split(" "));
  }
}
