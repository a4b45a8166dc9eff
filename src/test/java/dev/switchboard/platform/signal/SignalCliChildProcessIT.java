package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon.Person;
import dev.switchboard.testing.ChildGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway running signal-cli itself ({@code platforms.signal.cli_path}): the child is
 * a stand-in ({@link FakeSignalCli} forwarding to the {@link FakeSignalDaemon} this test drives,
 * which keeps what Signal's servers keep while signal-cli is down). A message in is answered
 * through the child; a child killed with SIGKILL is started again and what was written while
 * it was down is answered, once; the gateway's stop ends the child.
 */
class SignalCliChildProcessIT {
  private static final String BOT = "+4915100000001";
  private static final Person ANN =
      new Person("5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa", "+14155550101", "Ann");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private FakeSignalDaemon signal;
  private ChildGateway gateway;
  private Path pids;

  @BeforeEach
  void setUp() throws Exception {
    signal = FakeSignalDaemon.singleAccount(BOT);
    pids = dir.resolve("pids");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    for (long pid : childPids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    signal.close();
  }

  /** The signal-cli stand-in: records its pid, then forwards its --http port to the fake. */
  private Path signalCli() throws IOException, URISyntaxException {
    Path classes = Path.of(
        FakeSignalCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path cli = dir.resolve("signal-cli");
    Files.writeString(
        cli,
        "#!/bin/sh\nexec '" + java + "' -cp '" + classes + "' " + FakeSignalCli.class.getName()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
    return cli;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void start() throws Exception {
    int port = freePort();
    signal.alsoServeFrom(port);
    Path home = Files.createDirectories(dir.resolve("home"));
    gateway = ChildGateway.run(
        home,
        Map.of(
            "SIGNAL_ACCOUNT", BOT,
            "SIGNAL_CLI_PATH", signalCli().toString(),
            "SIGNAL_CLI_LISTEN", "127.0.0.1:" + port,
            "SIGNAL_ALLOWED_USERS", ANN.number(),
            "FAKE_FORWARD_TO", String.valueOf(daemonPort(signal)),
            "FAKE_PID_FILE", pids.toString()));
    gateway.awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(GatewayState::platforms)
            .map(p ->
                p.containsKey("signal") && "connected".equals(p.get("signal").state()))
            .orElse(false));
  }

  private static int daemonPort(FakeSignalDaemon d) {
    return java.net.URI.create(d.baseUrl()).getPort();
  }

  private List<Long> childPids() throws IOException {
    return Files.exists(pids)
        ? Files.readAllLines(pids).stream()
            .map(String::strip)
            .map(Long::parseLong)
            .toList()
        : List.of();
  }

  private long answers(String text) {
    return signal.sent().stream().filter(s -> s.text().equals(text)).count();
  }

  private void answeredOnce(String text) {
    await().atMost(WAIT).until(() -> answers(text) >= 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> answers(text) == 1);
  }

  @Test
  void aChildKilledIsStartedAgainAndWhatWasWrittenMeanwhileIsAnsweredOnce() throws Exception {
    start();
    assertThat(childPids()).hasSize(1);
    signal.directMessage(ANN, "hello through the child");
    answeredOnce("hello through the child");

    long first = childPids().getFirst();
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    // What a dead signal-cli held dies with it; Signal's servers keep the messages for the next.
    signal.dropStreams();
    signal.directMessage(ANN, "written while signal-cli was down");

    await().atMost(WAIT).until(() -> childPids().size() == 2);
    answeredOnce("written while signal-cli was down");
    assertThat(gateway.output())
        .contains("signal-cli: ready at")
        .contains("signal-cli: exited unexpectedly with code");
    signal.directMessage(ANN, "after the restart");
    answeredOnce("after the restart");
  }

  @Test
  void theGatewaysStopEndsTheChild() throws Exception {
    start();
    long child = childPids().getFirst();
    assertThat(ProcessHandle.of(child)).isPresent();
    gateway.signal("TERM");
    assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
        .as("signal-cli ends with the gateway")
        .isFalse();
    assertThat(childPids()).as("and is not started again").hasSize(1);
  }
}
