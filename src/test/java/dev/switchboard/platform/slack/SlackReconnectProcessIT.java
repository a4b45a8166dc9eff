package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState.PlatformStatus;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.PlatformWatch;
import dev.switchboard.testing.TcpGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 with Slack: the built gateway keeps trying a Slack it cannot reach (refused, hung,
 * the tokens refused, gone mid-run) for as long as it runs, connects once Slack is back within
 * the backoff's cap, answers what was written, once, and stops at once while it waits.
 */
class SlackReconnectProcessIT {
  private static final String BOT_TOKEN = "xoxb-1111-2222-reconnect";
  private static final String APP_TOKEN = "xapp-1-A1-3333-reconnect";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);
  private static final Duration REFUSED_EVERY = Duration.ofSeconds(2);
  /** What one attempt may take on a busy two-core machine, on top of the wait before it. */
  private static final Duration ATTEMPT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  private Path home;
  private FakeSlackServer slack;
  private TcpGate gate;
  private ChildGateway gateway;
  private PlatformWatch watch;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    slack = new FakeSlackServer(BOT_TOKEN, APP_TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (gate != null) {
      gate.close();
    }
    slack.close();
  }

  /** The Web API and the Socket Mode WebSocket both go through the gate: one port. */
  private void gate(TcpGate.Mode initial) throws Exception {
    gate = TcpGate.to(slack.port(), initial);
    slack.advertisePort(gate.port());
  }

  private void start(Map<String, String> env) throws Exception {
    gateway = ChildGateway.run(home, env);
    gateway.awaitRunning();
    watch = new PlatformWatch(home, "slack", gateway);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SLACK_BOT_TOKEN", BOT_TOKEN);
    env.put("SLACK_APP_TOKEN", APP_TOKEN);
    env.put("SLACK_API_BASE_URL", gate.via(slack.apiBase()));
    env.put("SLACK_ALLOWED_USERS", "U-SAM");
    env.put("SWITCHBOARD_RECONNECT_FIRST_DELAY", "1s");
    env.put("SWITCHBOARD_RECONNECT_MAX_DELAY", MAX_DELAY.toSeconds() + "s");
    env.put("SWITCHBOARD_RECONNECT_REFUSED_EVERY", REFUSED_EVERY.toSeconds() + "s");
    env.put("SWITCHBOARD_CONNECT_TIMEOUT", "3s");
    return env;
  }

  private static boolean retrying(PlatformStatus s) {
    return "connecting".equals(s.state()) && s.nextAttempt() != null && s.lastError() != null;
  }

  private static Duration sinceNanos(long began) {
    return Duration.ofNanos(System.nanoTime() - began);
  }

  private boolean socketOpen() {
    return slack.openConnections() > 0;
  }

  /** The gate opens: Slack can be reached again; returns how long until connected. */
  private Duration reachableAgain(String what) throws Exception {
    gate.mode(TcpGate.Mode.OPEN);
    Duration took = watch.awaitConnected(WAIT, this::socketOpen);
    System.out.println("MEASURED slack " + what + " " + took.toMillis() + " ms");
    return took;
  }

  private long replies(String text) {
    return slack.posted("D-SAM").stream().filter(p -> p.text().contains(text)).count();
  }

  /** {@code text}, written by sam, is answered, and only once. */
  private void answeredOnce(String text) {
    await().atMost(WAIT).until(() -> replies(text) >= 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> replies(text) == 1);
  }

  private void writeAndAwaitAnswer(String text) {
    slack.directMessage("U-SAM", "D-SAM", text);
    answeredOnce(text);
  }

  @Test
  void refusedForTheFirst20SecondsThenConnectsWithinTheBackoffCap() throws Exception {
    gate(TcpGate.Mode.REFUSE);
    long began = System.nanoTime();
    start(env());
    PlatformStatus waiting = watch.awaitStatus(WAIT, "retrying", s -> retrying(s));
    assertThat(waiting.lastError()).contains("auth.test");
    assertThat(gateway.get("/ready").status())
        .as("the rest of the gateway runs")
        .isEqualTo(200);
    watch.holds(
        Duration.ofSeconds(20).minus(sinceNanos(began)),
        "connecting",
        s -> "connecting".equals(s.state()));

    Duration took = reachableAgain("reachable->connected");
    assertThat(took).isLessThanOrEqualTo(MAX_DELAY.plus(ATTEMPT));
    assertThat(watch.status().orElseThrow().nextAttempt()).isNull();
    writeAndAwaitAnswer("hello after twenty seconds");
    assertThat(gateway.output())
        .contains("slack: connected again after")
        .doesNotContain(BOT_TOKEN)
        .doesNotContain(APP_TOKEN);
  }

  @Test
  void hungForTheFirst8SecondsThenConnectsWithinTheBackoffCap() throws Exception {
    gate(TcpGate.Mode.HANG);
    long began = System.nanoTime();
    start(env());
    PlatformStatus waiting = watch.awaitStatus(WAIT, "retrying", s -> retrying(s));
    assertThat(waiting.lastError()).contains("timed out after 3 s");
    watch.holds(
        Duration.ofSeconds(8).minus(sinceNanos(began)),
        "connecting",
        s -> "connecting".equals(s.state()));

    Duration took = reachableAgain("hung->connected");
    assertThat(took).isLessThanOrEqualTo(MAX_DELAY.plus(ATTEMPT));
    writeAndAwaitAnswer("hello after the hang");
  }

  @Test
  void refusedTokensAreFailedWithTheReasonAndConnectOnceAccepted() throws Exception {
    gate(TcpGate.Mode.OPEN);
    slack.refuseTokens(true);
    start(env());
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError())
        .contains("invalid_auth")
        .doesNotContain(BOT_TOKEN)
        .doesNotContain(APP_TOKEN);
    assertThat(failed.nextAttempt()).isBefore(Instant.now().plus(REFUSED_EVERY.plusSeconds(1)));
    // Tried again at the slow pace, and still failed: the tokens have not changed (each attempt
    // says "connecting" while it runs).
    watch.holds(
        REFUSED_EVERY.multipliedBy(2), "not connected", s -> !"connected".equals(s.state()));
    watch.awaitStatus(
        WAIT,
        "failed again, with a later next attempt",
        s -> "failed".equals(s.state())
            && s.nextAttempt() != null
            && s.nextAttempt().isAfter(failed.nextAttempt()));
    assertThat(slack.connectionsOpened()).isZero();

    slack.refuseTokens(false);
    Duration took = watch.awaitConnected(WAIT, this::socketOpen);
    System.out.println("MEASURED slack token-accepted->connected " + took.toMillis() + " ms");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    writeAndAwaitAnswer("hello with the tokens accepted");
    assertThat(gateway.output()).doesNotContain(BOT_TOKEN).doesNotContain(APP_TOKEN);
  }

  @Test
  void aConnectionCutAndRefusedFor10SecondsReconnectsAndWhatWasSentIsAnsweredOnce()
      throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    watch.awaitConnected(WAIT, this::socketOpen);
    writeAndAwaitAnswer("before the outage");

    gate.mode(TcpGate.Mode.REFUSE);
    long cut = System.nanoTime();
    // Slack keeps an event no connection acknowledged, and sends it again on the next one.
    slack.directMessage("U-SAM", "D-SAM", "written as the line went down");
    watch.awaitStatus(WAIT, "connecting", s -> "connecting".equals(s.state()));
    slack.directMessage("U-SAM", "D-SAM", "written while away");
    watch.holds(
        Duration.ofSeconds(10).minus(sinceNanos(cut)),
        "not connected",
        s -> !"connected".equals(s.state()));

    // The adapter's own loop retries a dropped connection, with its own backoff (equal jitter
    // from 1 s doubling): after 10 s of refusals its wait is at most 16 s.
    Duration took = reachableAgain("cut->reconnected");
    assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(16).plus(ATTEMPT));
    answeredOnce("written as the line went down");
    answeredOnce("written while away");
    assertThat(slack.unackedEnvelopes()).isZero();
    writeAndAwaitAnswer("after the outage");
  }

  @Test
  void tokensRefusedWhileRunningEndTheLoopAndTheRuntimeConnectsItAgain() throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    watch.awaitConnected(WAIT, this::socketOpen);
    writeAndAwaitAnswer("before the tokens were revoked");

    // Revoked while running: apps.connections.open answers invalid_auth, the socket loop gives
    // up, and the runtime tries every refused_every.
    slack.refuseTokens(true);
    slack.dropConnection();
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError()).contains("invalid_auth");
    slack.directMessage("U-SAM", "D-SAM", "written while the tokens were refused");

    slack.refuseTokens(false);
    Duration took = watch.awaitConnected(WAIT, this::socketOpen);
    System.out.println("MEASURED slack loop-ended->connected " + took.toMillis() + " ms");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    answeredOnce("written while the tokens were refused");
    writeAndAwaitAnswer("after the tokens were accepted");
  }

  @Test
  void sigtermDuringARetryWaitExitsAtOnce() throws Exception {
    gate(TcpGate.Mode.REFUSE);
    Map<String, String> env = env();
    env.put("SWITCHBOARD_RECONNECT_FIRST_DELAY", "60s");
    env.put("SWITCHBOARD_RECONNECT_MAX_DELAY", "60s");
    start(env);
    // A wait long enough to be sure the signal comes while the retry waits, not mid-attempt.
    watch.awaitStatus(
        WAIT,
        "waiting for its next attempt",
        s -> retrying(s) && s.nextAttempt().isAfter(Instant.now().plusSeconds(3)));

    long signalled = System.nanoTime();
    gateway.signal("TERM");
    int code = gateway.awaitExit(Duration.ofSeconds(10));
    Duration took = sinceNanos(signalled);
    System.out.println("MEASURED slack sigterm->exit " + took.toMillis() + " ms");
    assertThat(code).isZero();
    assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }
}
