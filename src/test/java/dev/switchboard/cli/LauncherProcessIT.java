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
    pb.command().addAll(java.util.List.of(args));
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
}
