package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.TcpGate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 from outside, against the fake Bot API behind a {@link TcpGate}: a Bot API that
 * cannot be reached at start (refused, or hanging), a token refused and then accepted, and an
 * outage while running are all survived without a restart, and what users wrote is answered
 * once; a stop during a retry wait ends at once.
 */
class TelegramReconnectProcessIT {
  private static final String TOKEN = "424242:TESTTOKENabcdefghijklmnopqrstuvwxyz";
  private static final long BOB = 1002;
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** The backoff's cap in these tests: an unreachable Bot API is tried at least this often. */
  private static final Duration CAP = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private TcpGate gate;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    telegram = FakeTelegramServer.start(TOKEN, "switchboard_test_bot");
    telegram.registerUser(BOB, "Bob", null, "bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
    if (gate != null) {
      gate.close();
    }
    telegram.close();
  }

  private ChildGateway start(TcpGate.Mode initially, Map<String, String> extra) throws Exception {
    gate = TcpGate.to(URI.create(telegram.baseUrl()).getPort(), initially);
    Map<String, String> env = new HashMap<>();
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", gate.via(telegram.baseUrl()));
    env.put("TELEGRAM_POLL_TIMEOUT", "2s");
    env.put("TELEGRAM_ALLOWED_USERS", Long.toString(BOB));
    env.put("SWITCHBOARD_RECONNECT_MAX_DELAY", CAP.toSeconds() + "s");
    env.put("SWITCHBOARD_CONNECT_TIMEOUT", "3s");
    env.putAll(extra);
    ChildGateway gw = ChildGateway.run(home, env);
    closeAfter.add(gw);
    gw.awaitRunning();
    return gw;
  }

  private Optional<GatewayState.PlatformStatus> telegramState() {
    return StateFile.read(home).map(s -> s.platforms().get("telegram"));
  }

  private GatewayState.PlatformStatus awaitTelegram(String state, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> telegramState().filter(s -> s.state().equals(state)).isPresent());
    return telegramState().orElseThrow();
  }

  /**
   * The Bot API stays away for {@code length} after the gateway noticed it (three failed polls,
   * 3 to 6 s with the backoff's first two waits); all along, the gateway runs on and Telegram is
   * not shown as connected.
   */
  private void outage(ChildGateway gw, Duration length) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> telegramState().filter(s -> !s.state().equals("connected")).isPresent());
    await()
        .during(length)
        .atMost(length.plusSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> gw.process().isAlive()
            && telegramState().filter(s -> !s.state().equals("connected")).isPresent());
  }

  /** Opens the gate and returns how long the gateway took to be connected again. */
  private Duration openAndMeasure(String scenario) throws Exception {
    Instant opened = Instant.now();
    gate.mode(TcpGate.Mode.OPEN);
    GatewayState.PlatformStatus connected = awaitTelegram("connected", CAP.plus(WAIT));
    Duration took = Duration.between(opened, connected.updatedAt());
    System.out.println(
        "MEASURED telegram " + scenario + " reachable->connected " + took.toMillis() + " ms");
    return took;
  }

  private void assertAnswered(String text) {
    telegram.privateMessage(BOB, text);
    telegram.awaitMessage(BOB, m -> m.text().equals(text), WAIT);
  }

  @Test
  void aBotApiRefusingConnectionsAtStartIsConnectedOnceItIsReachable() throws Exception {
    ChildGateway gw = start(TcpGate.Mode.REFUSE, Map.of());

    // The start did not wait for Telegram: the gateway runs, the platform is being retried.
    GatewayState.PlatformStatus waiting = telegramState().orElseThrow();
    assertThat(waiting.state()).isEqualTo("connecting");
    assertThat(waiting.lastError()).contains("getMe");
    assertThat(waiting.nextAttempt()).isNotNull();
    // Between two attempts the status names the next one; asked during an attempt (the CLI's
    // own start takes about a second), it says "connecting" alone: ask again.
    await()
        .atMost(WAIT)
        .until(
            () ->
                ChildGateway.cli(Map.of(), "status", "--home", home.toString()).output(),
            out -> out.contains("connecting") && out.contains("next attempt at"));

    outage(gw, Duration.ofSeconds(20)); // the outage the issue describes: 20 s of refusals
    Duration took = openAndMeasure("refused-at-start");

    assertThat(took).isLessThanOrEqualTo(CAP.plusSeconds(3));
    assertAnswered("are you there now?");
    assertThat(telegram.messages(BOB))
        .extracting(BotMessage::text)
        .containsOnlyOnce("are you there now?");
    assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
        .contains("telegram: could not connect (1 in a row)")
        .contains("telegram: connected again after")
        .doesNotContain(TOKEN);
    assertThat(gw.process().isAlive()).isTrue();
  }

  @Test
  void aBotApiThatHangsAtStartIsAbandonedAndTriedAgain() throws Exception {
    ChildGateway gw = start(TcpGate.Mode.HANG, Map.of());

    assertThat(telegramState().orElseThrow().lastError()).contains("connect timed out after 3 s");
    outage(gw, Duration.ofSeconds(8)); // getMe hangs for a while
    Duration took = openAndMeasure("hanging-at-start");

    assertThat(took).isLessThanOrEqualTo(CAP.plusSeconds(3 + 3));
    assertAnswered("answered after the hang?");
  }

  @Test
  void aRefusedTokenIsFailedThenPickedUpWhenTelegramAcceptsIt() throws Exception {
    telegram.failNext("getMe", 2, 401, "Unauthorized", null);
    ChildGateway gw = start(TcpGate.Mode.OPEN, Map.of("SWITCHBOARD_RECONNECT_REFUSED_EVERY", "3s"));

    GatewayState.PlatformStatus failed = telegramState().orElseThrow();
    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.lastError()).contains("getMe: Unauthorized");
    assertThat(failed.nextAttempt()).isAfter(failed.updatedAt().plusSeconds(2));
    ChildGateway.HttpResult health = gw.get("/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.body()).contains("\"next_attempt\"").contains("getMe: Unauthorized");

    // Telegram takes the token again (fixed in BotFather): no restart needed.
    GatewayState.PlatformStatus connected = awaitTelegram("connected", WAIT);
    assertThat(Duration.between(failed.updatedAt(), connected.updatedAt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(5)); // two slow retries, 3 s apart
    assertThat(telegram.calls("getMe")).hasSize(3);
    assertAnswered("token fixed?");
    assertThat(gw.get("/health").status()).isEqualTo(200);
  }

  @Test
  void anOutageWhileRunningIsSurvivedAndWhatWasWrittenMeanwhileIsAnsweredOnce() throws Exception {
    // The two messages written during the outage arrive in one batch: with the default busy
    // policy the second may interrupt the first's turn (right, but not what this test is
    // about), so each is answered in turn.
    ChildGateway gw = start(TcpGate.Mode.OPEN, Map.of("SWITCHBOARD_BUSY_POLICY", "queue"));
    awaitTelegram("connected", WAIT);
    assertAnswered("before the outage");

    gate.mode(TcpGate.Mode.REFUSE); // every connection closed, and refused for 10 s
    telegram.privateMessage(BOB, "written during the outage 1");
    telegram.privateMessage(BOB, "written during the outage 2");
    outage(gw, Duration.ofSeconds(10));
    openAndMeasure("outage-while-running");

    telegram.awaitMessage(BOB, m -> m.text().equals("written during the outage 2"), WAIT);
    assertAnswered("after the outage");
    assertThat(telegram.messages(BOB))
        .extracting(BotMessage::text)
        .containsOnlyOnce(
            "before the outage",
            "written during the outage 1",
            "written during the outage 2",
            "after the outage");
  }

  @Test
  void aStopDuringARetryWaitEndsAtOnce() throws Exception {
    ChildGateway gw = start(TcpGate.Mode.REFUSE, Map.of("SWITCHBOARD_RECONNECT_MAX_DELAY", "60s"));
    // Long enough that a wait of seconds is under way when the stop comes.
    await()
        .atMost(WAIT)
        .until(() -> telegramState()
            .filter(s ->
                s.nextAttempt() != null && s.nextAttempt().isAfter(Instant.now().plusSeconds(3)))
            .isPresent());

    long t0 = System.nanoTime();
    gw.signal("TERM");
    int code = gw.awaitExit(Duration.ofSeconds(10));

    assertThat(code).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }
}
