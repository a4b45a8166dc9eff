package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState.PlatformStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's scenarios for a platform reached over one TCP port (a REST API and its WebSocket):
 * the built gateway keeps trying a platform it cannot reach (refused, hung, the credentials
 * refused, gone mid-run) for as long as it runs, connects once the platform is back within the
 * backoff's cap, answers what was written, once, and stops at once while it waits. Each
 * platform's test says how its fake is started, written to and read, and what its errors say.
 */
public abstract class ReconnectScenarios {
  protected static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);
  private static final Duration REFUSED_EVERY = Duration.ofSeconds(2);
  /** What one attempt may take on a busy two-core machine, on top of the wait before it. */
  private static final Duration ATTEMPT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  private Path home;
  private TcpGate gate;
  private ChildGateway gateway;
  private PlatformWatch watch;

  /** The platform's name, as in its settings and the state file. */
  protected abstract String platform();

  /** Starts the platform's fake. */
  protected abstract void startFake() throws Exception;

  /** Stops the platform's fake. */
  protected abstract void closeFake() throws Exception;

  /** The port the fake serves both its API and its WebSocket on. */
  protected abstract int fakePort();

  /** Tells the fake the port its clients reach it through (for URLs it hands out). */
  protected void advertisePort(int port) {}

  /** The platform's settings, its API reached through {@code gate}. */
  protected abstract Map<String, String> platformEnv(TcpGate gate);

  /** The credentials, none of which may ever be logged. */
  protected abstract List<String> secrets();

  /** Whether the gateway is connected as the fake sees it. */
  protected abstract boolean fakeSeesAConnection();

  /** The allowed user writes {@code text} in their direct chat. */
  protected abstract void write(String text);

  /** How many replies in the user's direct chat contain {@code text}. */
  protected abstract long replies(String text);

  /** Makes the fake refuse (or accept again) the credentials. */
  protected abstract void refuseCredentials(boolean refuse);

  /** Closes the gateway's open connection from the fake's side. */
  protected abstract void dropConnection();

  /** What the error of a first connect that cannot reach the platform names. */
  protected abstract String unreachableErrorNames();

  /** What the error of refused credentials says, at the start. */
  protected abstract String refusedErrorSays();

  /** What the error of credentials refused while running may say. */
  protected abstract List<String> refusedWhileRunningSays();

  /** Checked after refused attempts, before the credentials are accepted again. */
  protected void afterRefusedAttempts() {}

  /** Checked after a cut connection came back: the platform's own way of not losing events. */
  protected abstract void afterResumed();

  @BeforeEach
  void setUpScenario() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    startFake();
  }

  @AfterEach
  void tearDownScenario() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (gate != null) {
      gate.close();
    }
    closeFake();
  }

  private void gate(TcpGate.Mode initial) throws Exception {
    gate = TcpGate.to(fakePort(), initial);
    advertisePort(gate.port());
  }

  private void start(Map<String, String> env) throws Exception {
    gateway = ChildGateway.run(home, env);
    gateway.awaitRunning();
    watch = new PlatformWatch(home, platform(), gateway);
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(platformEnv(gate));
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

  private Duration awaitConnected(String measured) throws Exception {
    Duration took = watch.awaitConnected(WAIT, this::fakeSeesAConnection);
    System.out.println("MEASURED " + platform() + " " + measured + " " + took.toMillis() + " ms");
    return took;
  }

  /** The gate opens: the platform can be reached again; returns how long until connected. */
  private Duration reachableAgain(String what) throws Exception {
    gate.mode(TcpGate.Mode.OPEN);
    return awaitConnected(what);
  }

  /** {@code text}, written by the user, is answered, and only once. */
  private void answeredOnce(String text) throws IOException {
    try {
      await().atMost(WAIT).until(() -> replies(text) >= 1);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("'" + text + "' not answered\n" + gateway.output(), e);
    }
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> replies(text) == 1);
  }

  private void writeAndAwaitAnswer(String text) throws IOException {
    write(text);
    answeredOnce(text);
  }

  private void logHoldsNoSecret() throws IOException {
    String output = gateway.output();
    secrets().forEach(secret -> assertThat(output).doesNotContain(secret));
  }

  @Test
  void refusedForTheFirst20SecondsThenConnectsWithinTheBackoffCap() throws Exception {
    gate(TcpGate.Mode.REFUSE);
    long began = System.nanoTime();
    start(env());
    PlatformStatus waiting = watch.awaitStatus(WAIT, "retrying", s -> retrying(s));
    assertThat(waiting.lastError()).contains(unreachableErrorNames());
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
    assertThat(gateway.output()).contains(platform() + ": connected again after");
    logHoldsNoSecret();
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
  void refusedCredentialsAreFailedWithTheReasonAndConnectOnceAccepted() throws Exception {
    gate(TcpGate.Mode.OPEN);
    refuseCredentials(true);
    start(env());
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError()).contains(refusedErrorSays());
    secrets().forEach(secret -> assertThat(failed.lastError()).doesNotContain(secret));
    assertThat(failed.nextAttempt()).isBefore(Instant.now().plus(REFUSED_EVERY.plusSeconds(1)));
    // Tried again at the slow pace, and still failed: the credentials have not changed (each
    // attempt says "connecting" while it runs).
    watch.holds(
        REFUSED_EVERY.multipliedBy(2), "not connected", s -> !"connected".equals(s.state()));
    watch.awaitStatus(
        WAIT,
        "failed again, with a later next attempt",
        s -> "failed".equals(s.state())
            && s.nextAttempt() != null
            && s.nextAttempt().isAfter(failed.nextAttempt()));
    afterRefusedAttempts();

    refuseCredentials(false);
    Duration took = awaitConnected("token-accepted->connected");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    writeAndAwaitAnswer("hello with the credentials accepted");
    logHoldsNoSecret();
  }

  @Test
  void aConnectionCutAndRefusedFor10SecondsComesBackAndWhatWasWrittenIsAnsweredOnce()
      throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    awaitConnected("connected");
    writeAndAwaitAnswer("before the outage");

    gate.mode(TcpGate.Mode.REFUSE);
    long cut = System.nanoTime();
    write("written as the line went down");
    watch.awaitStatus(WAIT, "connecting", s -> "connecting".equals(s.state()));
    write("written while away");
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
    afterResumed();
    writeAndAwaitAnswer("after the outage");
  }

  @Test
  void credentialsRefusedWhileRunningEndTheLoopAndTheRuntimeConnectsItAgain() throws Exception {
    gate(TcpGate.Mode.OPEN);
    start(env());
    awaitConnected("connected");
    writeAndAwaitAnswer("before the credentials were revoked");

    // Revoked while running: the next connect is refused, the loop gives up, and the runtime
    // tries every refused_every.
    refuseCredentials(true);
    dropConnection();
    PlatformStatus failed = watch.awaitStatus(
        WAIT, "failed", s -> "failed".equals(s.state()) && s.nextAttempt() != null);
    assertThat(failed.lastError()).containsAnyOf(refusedWhileRunningSays().toArray(String[]::new));
    write("written while the credentials were refused");

    refuseCredentials(false);
    Duration took = awaitConnected("loop-ended->connected");
    assertThat(took).isLessThanOrEqualTo(REFUSED_EVERY.plus(ATTEMPT));
    answeredOnce("written while the credentials were refused");
    writeAndAwaitAnswer("after the credentials were accepted");
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
    System.out.println("MEASURED " + platform() + " sigterm->exit " + took.toMillis() + " ms");
    assertThat(code).isZero();
    assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }
}
