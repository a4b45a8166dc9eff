package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway under a second real supervisor, s6 (Debian's s6-supervise), set up as
 * docs/operations.md says: a restart exits 75 and s6 starts it again, so does its reload ({@code
 * s6-svc -h}, SIGHUP), {@code s6-svc -d} stops it
 * cleanly (exit 0, stays down), and a configuration error (78) is not restarted thanks to the
 * finish script.
 */
class S6ProcessIT {
  @TempDir
  Path dir;

  @Test
  void restartAndStopUnderS6BehaveAsDocumented() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "http:\n  port: 0\n" + "gateway:\n  drain_timeout: 5s\n  shutdown_grace: 5s\n");
    Path service = dir.resolve("switchboard");
    Files.createDirectories(service);
    List<String> command =
        new java.util.ArrayList<>(ChildGateway.command("run", "--home", home.toString()));
    script(
        service.resolve("run"),
        "#!/bin/sh\nexec 2>&1\nexec "
            + command.stream().map(w -> "'" + w + "'").collect(Collectors.joining(" ")) + "\n");
    // s6 restarts whatever exits; exit 125 from finish tells it to leave the service down
    script(service.resolve("finish"), "#!/bin/sh\n[ \"$1\" = 78 ] && exit 125\nexit 0\n");
    // env: a test run under nohup would hand s6, and so the gateway, SIGHUP ignored, and the
    // reload below would never arrive; s6 started at boot has it at its default
    Process supervise = new ProcessBuilder(
            "env", "--default-signal=HUP", "s6-supervise", service.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("s6.log").toFile())
        .start();
    try {
      GatewayState first = awaitRunning(home, 0);
      assertThat(first.serviceManager()).isEqualTo("s6");
      assertThat(
              ProcessHandle.of(first.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
          .hasValue(supervise.pid());

      ChildGateway.Result restarted =
          ChildGateway.cli(Map.of(), "restart", "--home", home.toString());
      assertThat(restarted.exitCode()).as(restarted.output()).isZero();
      GatewayState second = awaitRunning(home, first.pid());
      assertThat(
              ProcessHandle.of(second.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
          .hasValue(supervise.pid());

      // s6's reload: SIGHUP, which under a supervisor is a restart, never a stop
      assertThat(s6("s6-svc", "-h", service.toString())).isZero();
      GatewayState third = awaitRunning(home, second.pid());
      assertThat(
              ProcessHandle.of(third.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
          .hasValue(supervise.pid());
      assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
          .contains("SIGHUP under a service manager (s6) asks for a reload")
          .contains("restart requested by SIGHUP; exit code will be 75");

      assertThat(s6("s6-svc", "-d", service.toString())).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StateFile.read(home)
              .filter(s -> s.pid() == third.pid() && GatewayState.STOPPED.equals(s.state()))
              .isPresent());
      assertThat(StateFile.read(home).orElseThrow().exitCode()).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> svstat(service).startsWith("down"));

      Files.writeString(home.resolve("switchboard.yaml"), "gateway:\n  drain_timeout: soon\n");
      assertThat(s6("s6-svc", "-u", service.toString())).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StateFile.read(home)
              .filter(s -> GatewayState.STARTUP_FAILED.equals(s.state()))
              .isPresent());
      long failedPid = StateFile.read(home).orElseThrow().pid();
      assertThat(StateFile.read(home).orElseThrow().exitCode()).isEqualTo(78);
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(() -> svstat(service).startsWith("down")
              && StateFile.read(home).map(GatewayState::pid).orElse(0L) == failedPid);
    } finally {
      s6("s6-svc", "-xd", service.toString());
      if (!supervise.waitFor(30, TimeUnit.SECONDS)) {
        supervise.destroyForcibly();
      }
      Optional<GatewayState> left = StateFile.read(home);
      left.flatMap(s -> ProcessHandle.of(s.pid())).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static GatewayState awaitRunning(Path home, long notPid) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> StateFile.read(home)
            .filter(s -> s.pid() != notPid && GatewayState.RUNNING.equals(s.state()))
            .isPresent());
    return StateFile.read(home).orElseThrow();
  }

  private static void script(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static int s6(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  private static String svstat(Path service) throws Exception {
    Process p = new ProcessBuilder("s6-svstat", service.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
