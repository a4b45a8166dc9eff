package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.ExitCodes;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway on a real PostgreSQL server: it answers through it, rides out the server's
 * restart in the middle of a conversation without losing or doubling a message, stands by while
 * another gateway is active on the database, and a stop while it waits at the start for a
 * server it cannot reach ends it at once.
 */
class PostgresStoreProcessIT {
  /** A bot token of its own: the credential lock is machine-wide, other tests may run. */
  private static final String TOKEN = "424203:POSTGRESabcdefghijklmnopqrstuvwxyz";

  private static final long BOB = 1002;
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A gateway's start, slow on a loaded 2-core machine. */
  private static final Duration START = Duration.ofSeconds(90);

  private static final PostgresServer SERVER = PostgresServer.shared();

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    telegram = FakeTelegramServer.start(TOKEN, "switchboard_test_bot");
    telegram.registerUser(BOB, "Bob", null, "bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    SERVER.start();
    if (gateway != null) {
      gateway.close();
      gateway.process().waitFor(10, TimeUnit.SECONDS);
    }
    telegram.close();
  }

  private Map<String, String> env(String url) {
    return Map.of(
        "TELEGRAM_BOT_TOKEN",
        TOKEN,
        "TELEGRAM_API_BASE_URL",
        telegram.baseUrl(),
        "TELEGRAM_POLL_TIMEOUT",
        "2s",
        "TELEGRAM_ALLOWED_USERS",
        Long.toString(BOB),
        // each message answered in turn, none superseded by the next: every answer is counted
        "SWITCHBOARD_BUSY_POLICY",
        "queue",
        "SWITCHBOARD_DATABASE_URL",
        url);
  }

  @Test
  void everyMessageIsAnsweredOnceThroughAServerRestartedMidConversation() throws Exception {
    gateway = ChildGateway.run(home, env(SERVER.newDatabase("process")));
    gateway.awaitState(GatewayState.RUNNING, START);
    telegram.awaitLongPoll(START);
    assertThat(Files.exists(home.resolve("switchboard.db"))).isFalse();

    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      String text = "message " + i;
      sent.add(text);
      telegram.privateMessage(BOB, text);
      if (i == 5) {
        SERVER.restart();
      }
    }
    try {
      await().atMost(WAIT).until(() -> answers().size() >= sent.size());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "all: " + telegram.messages(BOB).stream().map(BotMessage::text).toList()
              + "\ngateway output:\n" + gateway.output(),
          e);
    }
    // nothing more comes: a doubled answer would show up here
    try {
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> answers().size() == sent.size());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "answers: " + telegram.messages(BOB).stream().map(BotMessage::text).toList()
              + "\ngateway output:\n" + gateway.output(),
          e);
    }
    assertThat(answers()).containsExactlyElementsOf(sent);
    assertThat(gateway.process().isAlive()).isTrue();
    assertThat(gateway.get("/health").status()).isEqualTo(200);
  }

  /** The echoed answers, without the queue's notices. */
  private List<String> answers() {
    return telegram.messages(BOB).stream()
        .map(BotMessage::text)
        .filter(t -> t.startsWith("message "))
        .toList();
  }

  @Test
  void aSecondGatewayStandsByAndTakesOverAtOnceWhenTheFirstStops() throws Exception {
    String url = SERVER.newDatabase("two_gateways");
    Map<String, String> both = new HashMap<>(env(url));
    both.put("SWITCHBOARD_LEASE_TTL", "3s");
    gateway = ChildGateway.run(home, both);
    gateway.awaitState(GatewayState.RUNNING, START);

    Path otherHome = dir.resolve("other");
    Files.createDirectories(otherHome);
    ChildGateway second = ChildGateway.run(otherHome, both);
    try {
      second.awaitState(GatewayState.STANDBY, START);
      assertThat(second.output())
          .contains("standing by: another gateway (")
          .contains(":" + home.toAbsolutePath().normalize() + ")");
      // ready: it serves, through the active gateway (StandbyForwardingProcessIT)
      assertThat(second.get("/ready").body()).contains("requests are forwarded to it");
      assertThat(second.get("/ready").status()).isEqualTo(200);
      assertThat(second.get("/live").status()).isEqualTo(200);
      assertThat(second.get("/health").body()).contains("standing by");
      ChildGateway.Result cron =
          ChildGateway.cli(both, "cron", "list", "--home", otherHome.toString());
      assertThat(cron.exitCode()).as(cron.output()).isEqualTo(1);
      assertThat(cron.output())
          .contains("standing by")
          .contains(":" + home.toAbsolutePath().normalize() + " is the active one");
      ChildGateway.Result status = ChildGateway.cli(both, "status", "--home", otherHome.toString());
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output())
          .contains("standby")
          .contains("gateways on the database: 2")
          .containsPattern(":" + home.toAbsolutePath().normalize() + "  active\n")
          .containsPattern(":" + otherHome.toAbsolutePath().normalize() + "  standing by\n")
          .containsPattern(
              "lease gateway: +held by [^ ]+:" + home.toAbsolutePath().normalize()
                  + " \\(token 1, lapses in \\d+ ms unless renewed\\)");

      // a stop gives the lease up: the standby need not wait for it to lapse
      gateway.signal("TERM");
      long t0 = System.nanoTime();
      second.awaitState(GatewayState.RUNNING, START);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(gateway.awaitExit(START)).isEqualTo(ExitCodes.STOPPED);
      telegram.privateMessage(BOB, "message for the second");
      telegram.awaitMessage(BOB, m -> m.text().equals("message for the second"), WAIT);

      // the first, started again, stands by in turn
      gateway = ChildGateway.run(home, both);
      gateway.awaitState(GatewayState.STANDBY, START);
      assertThat(second.process().isAlive()).isTrue();
    } finally {
      second.close();
    }
  }

  @Test
  void aGatewayPausedPastItsLeaseSendsNothingWhenItWakesAndStops() throws Exception {
    String url = SERVER.newDatabase("paused");
    Map<String, String> first = new HashMap<>(env(url));
    first.put("SWITCHBOARD_LEASE_TTL", "3s");
    gateway = ChildGateway.run(home, first);
    gateway.awaitState(GatewayState.RUNNING, START);
    telegram.awaitLongPoll(START);
    telegram.privateMessage(BOB, "before the pause");
    telegram.awaitMessage(BOB, m -> m.text().equals("before the pause"), WAIT);

    gateway.signal("STOP");
    Path otherHome = dir.resolve("other");
    Files.createDirectories(otherHome);
    ChildGateway second = ChildGateway.run(
        otherHome, Map.of("SWITCHBOARD_DATABASE_URL", url, "SWITCHBOARD_LEASE_TTL", "3s"));
    try {
      second.awaitState(GatewayState.RUNNING, START);
      // the paused gateway's open long poll gets this update: it reads it when it wakes
      long update = telegram.privateMessage(BOB, "during the pause");
      gateway.signal("CONT");

      assertThat(gateway.awaitExit(START)).isEqualTo(ExitCodes.CRASHED);
      assertThat(gateway.output())
          .contains("lost its hold on the database")
          .contains("not waiting for the running turns");
      assertThat(telegram.messages(BOB))
          .extracting(BotMessage::text)
          .containsExactly("before the pause");
      assertThat(telegram.confirmedUpToUpdateId()).isLessThan(update);
      assertThat(second.process().isAlive()).isTrue();
    } finally {
      second.close();
    }
  }

  @Test
  void aStopWhileWaitingForAnUnreachableServerEndsTheStartAtOnce() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Map<String, String> env =
        new HashMap<>(env("postgresql://postgres@127.0.0.1:" + closed + "/switchboard"));
    env.put("SWITCHBOARD_DATABASE_START_WAIT", "10m");
    gateway = ChildGateway.run(home, env);
    await().atMost(START).until(() -> gateway.output().contains("cannot be reached"));
    assertThat(gateway.output()).contains("127.0.0.1:" + closed + "/switchboard");

    long t0 = System.nanoTime();
    gateway.signal("TERM");
    assertThat(gateway.awaitExit(Duration.ofSeconds(15))).isEqualTo(ExitCodes.STOPPED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(gateway.output()).contains("stopped while starting");
  }
}
