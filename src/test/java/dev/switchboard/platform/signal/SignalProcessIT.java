package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon.Person;
import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway as a child process with Signal enabled, against the fake signal-cli daemon
 * on loopback: messages in and answers out in a direct chat and a group, a stranger paired, and
 * the event stream dropped and resumed with nothing lost or answered twice.
 */
class SignalProcessIT {
  private static final String BOT = "+4915100000001";
  private static final Person ANN =
      new Person("5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa", "+14155550101", "Ann");
  private static final Person BOB =
      new Person("5b1d7f8e-2222-4c2a-9d3e-bbbbbbbbbbbb", "+14155550102", "Bob");
  private static final String GROUP = "Pmpi+EfPWmsxiomLe9Nx2XF9HOE483p6iKiFj65iMwI=";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private FakeSignalDaemon signal;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    signal = FakeSignalDaemon.singleAccount(BOT);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
    signal.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SIGNAL_ACCOUNT", BOT);
    env.put("SIGNAL_URL", signal.baseUrl());
    env.put("SIGNAL_ALLOWED_USERS", ANN.number() + "," + BOB.uuid());
    env.put("SIGNAL_ADMIN_USERS", ANN.number());
    return env;
  }

  private ChildGateway start(Map<String, String> env) throws Exception {
    ChildGateway gw = ChildGateway.run(home, env);
    closeAfter.add(gw);
    gw.awaitRunning();
    await().atMost(WAIT).until(() -> signal.openStreams() == 1);
    return gw;
  }

  private void awaitSent(String text) {
    await()
        .atMost(WAIT)
        .until(() -> signal.sent().stream().anyMatch(s -> s.text().equals(text)));
  }

  private long count(String text) {
    return signal.sent().stream().filter(s -> s.text().equals(text)).count();
  }

  @Test
  void answersInADirectChatAndInAGroup() throws Exception {
    start(env());
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(GatewayState::platforms)
            .map(p -> p.containsKey("signal") && p.get("signal").state().equals("connected"))
            .orElse(false));

    signal.directMessage(ANN, "hello from signal");
    awaitSent("hello from signal");
    FakeSignalDaemon.Sent direct = signal.sent().stream()
        .filter(s -> s.text().equals("hello from signal"))
        .findFirst()
        .orElseThrow();
    assertThat(direct.recipients()).containsExactly(ANN.uuid());
    assertThat(direct.groupId()).isNull();

    long asked = signal.groupMessage(GROUP, BOB, "hello group");
    awaitSent("hello group");
    FakeSignalDaemon.Sent group = signal.sent().stream()
        .filter(s -> s.text().equals("hello group"))
        .findFirst()
        .orElseThrow();
    assertThat(group.groupId()).isEqualTo(GROUP);
    assertThat(group.recipients()).isEmpty();
    assertThat(group.params().path("quoteTimestamp").asLong()).isEqualTo(asked);
    assertThat(group.params().path("quoteAuthor").asString()).isEqualTo(BOB.uuid());
    // Read receipts are on by default, for both.
    await().atMost(WAIT).until(() -> signal.calls("sendReceipt").size() == 2);
  }

  @Test
  void aStrangerGetsAPairingCodeAndIsAnsweredOnceApproved() throws Exception {
    Map<String, String> onlyAdmin = env();
    onlyAdmin.remove("SIGNAL_ALLOWED_USERS");
    start(onlyAdmin);
    Person stranger = new Person("5b1d7f8e-4444-4c2a-9d3e-dddddddddddd", "+14155550199", "Sam");
    signal.directMessage(stranger, "hello agent");
    await()
        .atMost(WAIT)
        .until(() -> signal.sent().stream()
            .anyMatch(s -> s.text().contains("switchboard pairing approve signal")));
    String code = signal.sent().stream()
        .filter(s -> s.text().contains("switchboard pairing approve signal"))
        .findFirst()
        .orElseThrow()
        .text()
        .replaceAll("(?s).*approve signal ([A-Z0-9]{8}).*", "$1");
    ChildGateway.Result approve =
        ChildGateway.cli(Map.of(), "pairing", "approve", "--home", home.toString(), "signal", code);
    assertThat(approve.exitCode()).as(approve.output()).isZero();

    signal.directMessage(stranger, "now?");
    awaitSent("now?");
    assertThat(count("hello agent")).isZero();
    assertThat(signal.sent().stream()
            .filter(s -> s.text().equals("now?"))
            .findFirst()
            .orElseThrow()
            .recipients())
        .containsExactly(stranger.uuid());
  }

  @Test
  void aDroppedEventStreamIsResumedWithNothingLostOrRepeated() throws Exception {
    start(env());
    signal.directMessage(ANN, "before the drop");
    awaitSent("before the drop");

    signal.eventsStatus(503); // the daemon restarts: its stream ends and it refuses a while
    signal.dropStreams();
    signal.directMessage(ANN, "while it was away");
    signal.groupMessage(GROUP, BOB, "also while away");
    await().atMost(WAIT).until(() -> signal.streamsOpened() >= 2 || signal.openStreams() == 0);
    signal.eventsStatus(200);
    await().atMost(WAIT).until(() -> signal.openStreams() == 1);
    awaitSent("while it was away");
    awaitSent("also while away");
    signal.directMessage(ANN, "after the drop");
    awaitSent("after the drop");

    assertThat(count("before the drop")).isEqualTo(1);
    assertThat(count("while it was away")).isEqualTo(1);
    assertThat(count("also while away")).isEqualTo(1);
    assertThat(count("after the drop")).isEqualTo(1);
  }

  @Test
  void anAccountTheDaemonDoesNotHaveMarksSignalFailedWithTheReason() throws Exception {
    signal.close();
    signal = FakeSignalDaemon.multiAccount("+4915199999999");
    ChildGateway gw = ChildGateway.run(home, env());
    closeAfter.add(gw);
    gw.awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(GatewayState::platforms)
            .map(p -> p.containsKey("signal") && p.get("signal").state().equals("failed"))
            .orElse(false));
    GatewayState.PlatformStatus status =
        StateFile.read(home).orElseThrow().platforms().get("signal");
    assertThat(status.lastError()).contains(BOT).contains("not registered");
    assertThat(signal.streamsOpened()).isZero();
  }
}
