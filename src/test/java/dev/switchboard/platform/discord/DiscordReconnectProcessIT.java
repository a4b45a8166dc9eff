package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState.PlatformStatus;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
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
 * Issue 20 with Discord: the built gateway keeps trying a Discord it cannot reach (refused, hung,
 * the token refused, gone mid-run) for as long as it runs, connects once Discord is back within
 * the backoff's cap, answers what was written, once, and stops at once while it waits.
 */
class DiscordReconnectProcessIT {
  private static final String TOKEN = "MTA5.reconnect-test-token.abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);
  private static final Duration REFUSED_EVERY = Duration.ofSeconds(2);
  /** What one attempt may take on a busy two-core machine, on top of the wait before it. */
  private static final Duration ATTEMPT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  private Path home;
  private FakeDiscordServer discord;
  private TcpGate gate;
  private ChildGateway gateway;
  private PlatformWatch watch;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    discord = new FakeDiscordServer(TOKEN);
    discord.heartbeatInterval(5000);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (gate != null) {
      gate.close();
    }
    discord.close();
  }

  /** REST and the gateway WebSocket both go through the gate: they share the fake's port. */
  private void gate(TcpGate.Mode initial) throws Exception {
    gate = TcpGate.to(discord.port(), initial);
    discord.advertisePort(gate.port());
  }

  private void start(Map<String, String> env) throws Exception {
    gateway = ChildGateway.run(home, env);
    gateway.awaitRunning();
    watch = new PlatformWatch(home, "discord", gateway);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DISCORD_BOT_TOKEN", TOKEN);
    env.put("DISCORD_API_BASE_URL", gate.via(discord.apiBase().toString()));
    env.put("DISCORD_ALLOWED_USERS", "u-bob");
    env.put("SWITCHBOARD_RECONNECT_FIRST_DELAY", "1s");
    env.put("SWITCHBOARD_RECONNECT_MAX_DELAY", MAX_DELAY.toSeconds() + "s");
    env.put("SWITCHBOARD_RECONNECT_REFUSED_EVERY", REFUSED_EVERY.toSeconds() + "s");
    env.put("SWITCHBOARD_CONNECT_TIMEOUT", "3s");
    return env;
  }

  private static boolean retrying(PlatformStatus s) {
    return "connecting".equals(s.state()) && s.nextAttempt() != null && s.lastError() != null;
  }

  private Duration sinceNanos(long began) {
    return Duration.ofNanos(System.nanoTime() - began);
  }

  /** The gate opens: Discord can be reached again; returns how long until connected. */
  private Duration reachableAgain(String what) throws Exception {
    gate.mode(TcpGate.Mode.OPEN);
    Duration took = watch.awaitConnected(WAIT, discord::connected);
    System.out.println("MEASURED discord " + what + " " + took.toMillis() + " ms");
    return took;
  }

  private long replies(String channel, String text) {
    return discord.sent(channel).stream()
        .filter(m -> m.content().contains(text))
        .count();
  }

  /** {@code text}, written by bob, is answered, and only once. */
  private void answeredOnce(String text) {
    await().atMost(WAIT).until(() -> replies("dm-bob", text) >= 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> replies("dm-bob", text) == 1);
  }

  private void writeAndAwaitAnswer(String text) {
    discord.messageCreate("dm-bob", null, "u-bob", "bob", text);
    answeredOnce(text);
  }

  @Test
  void refusedForTheFirst20SecondsThenConnectsWithinTheBackoffCap() throws Exception {
    gate(TcpGate.Mode.REFUSE);
    long began = System.nanoTime();
    start(env());
    PlatformStatus waiting = watch.awaitStatus(WAIT, "retrying", s -> retrying(s));
    assertThat(waiting.lastError()).contains("GET /gateway/bot");
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
    assertThat(gateway.output()).contains("discord: connected again after").doesNotContain(TOKEN);
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
  void aRefusedTokenIsFailedWithTheReasonAndConnectsOnceAccepted() throws Exception {
    gate(TcpGate.Mode.OPEN);
    discord.refuseToken(true);
    start(env());
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError()).contains("401").doesNotContain(TOKEN);
    assertThat(failed.nextAttempt()).isBefore(Instant.now().plus(REFUSED_EVERY.plusSeconds(1)));
    // Tried again at the slow pace, and still failed: the token has not changed (each attempt
    // says "connecting" while it runs).
    watch.holds(
        REFUSED_EVERY.multipliedBy(2), "not connected", s -> !"connected".equals(s.state()));
    watch.awaitStatus(
        WAIT,
        "failed again, with a later next attempt",
        s -> "failed".equals(s.state())
            && s.nextAttempt() != null
            && s.nextAttempt().isAfter(failed.nextAttempt()));

    discord.refuseToken(false);
    Duration took = watch.awaitConnected(WAIT, discord::connected);
    System.out.println("MEASURED discord token-accepted->connected " + took.toMillis() + " ms");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    writeAndAwaitAnswer("hello with the token accepted");
    assertThat(gateway.output()).doesNotContain(TOKEN);
  }

  @Test
  void aConnectionCutAndRefusedFor10SecondsIsResumedAndWhatWasWrittenAnsweredOnce()
      throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    watch.awaitConnected(WAIT, discord::connected);
    writeAndAwaitAnswer("before the outage");

    gate.mode(TcpGate.Mode.REFUSE);
    long cut = System.nanoTime();
    discord.messageCreate("dm-bob", null, "u-bob", "bob", "written as the line went down");
    watch.awaitStatus(WAIT, "connecting", s -> "connecting".equals(s.state()));
    discord.messageCreate("dm-bob", null, "u-bob", "bob", "written while away");
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
    assertThat(discord.resumes()).as("the session was resumed").isPositive();
    writeAndAwaitAnswer("after the outage");
  }

  @Test
  void aTokenRefusedWhileRunningEndsTheLoopAndTheRuntimeConnectsItAgain() throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    watch.awaitConnected(WAIT, discord::connected);
    writeAndAwaitAnswer("before the token was reset");

    // Reset in the Developer Portal while running: the resume is closed with 4004, the loop
    // gives up, and the runtime tries every refused_every.
    discord.refuseToken(true);
    discord.dropConnection();
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError()).containsAnyOf("4004", "401", "authentication");
    discord.messageCreate("dm-bob", null, "u-bob", "bob", "written while the token was refused");

    discord.refuseToken(false);
    Duration took = watch.awaitConnected(WAIT, discord::connected);
    System.out.println("MEASURED discord loop-ended->connected " + took.toMillis() + " ms");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    answeredOnce("written while the token was refused");
    writeAndAwaitAnswer("after the token was accepted");
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
    System.out.println("MEASURED discord sigterm->exit " + took.toMillis() + " ms");
    assertThat(code).isZero();
    assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }
}
