package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: another process holds the database's write lock (BEGIN EXCLUSIVE, then a write it
 * commits, as `switchboard pairing approve` would, only for longer). Within the gateway's
 * busy_timeout (10 s) the gateway waits and then journals and answers; past it, the update is
 * refused with "database is locked" naming the database, left unconfirmed at Telegram, and
 * answered once after the lock is released. Nothing is lost, nothing answered twice.
 */
class LockedDatabaseProcessIT {
  /** A bot token of its own: the credential lock is machine-wide, other tests may run. */
  private static final String TOKEN = "424202:FAULTSlockedabcdefghijklmnopqrstuv";

  private static final long BOB = 1002;
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** A gateway's start, slow on a loaded 2-core machine. */
  private static final Duration START = Duration.ofSeconds(90);
  /** The gateway's SQLite busy_timeout (SqliteDb). */
  private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

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
    if (gateway != null) {
      gateway.close();
      gateway.process().waitFor(10, TimeUnit.SECONDS);
    }
    telegram.close();
  }

  @Test
  void aLockHeldByAnotherProcessIsWaitedOutOrRefusedAndRetriedWithoutLoss() throws Exception {
    gateway = ChildGateway.run(
        home,
        Map.of(
            "TELEGRAM_BOT_TOKEN",
            TOKEN,
            "TELEGRAM_API_BASE_URL",
            telegram.baseUrl(),
            "TELEGRAM_POLL_TIMEOUT",
            "2s",
            "TELEGRAM_ALLOWED_USERS",
            Long.toString(BOB)));
    gateway.awaitState(GatewayState.RUNNING, START);
    try {
      telegram.awaitLongPoll(START);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; gateway output:\n" + gateway.output(), e);
    }
    telegram.privateMessage(BOB, "before any lock");
    telegram.awaitMessage(BOB, m -> m.text().equals("before any lock"), WAIT);
    String db = home.resolve("switchboard.db").toString();
    // The answer shows before its turn has written its last row (the journal's "done"): a lock
    // taken in between held that turn open, and the next message then interrupted it.
    await().atMost(WAIT).until(() -> unfinishedMessages(db) == 0);

    // A short lock: the gateway waits inside busy_timeout and goes on, no error.
    long shortLock;
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      lockAndWrite(other, 1003);
      long lockedAt = System.nanoTime();
      telegram.privateMessage(BOB, "during a short lock");
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !answered("during a short lock"));
      commit(other);
      telegram.awaitMessage(BOB, m -> m.text().equals("during a short lock"), WAIT);
      shortLock = Duration.ofNanos(System.nanoTime() - lockedAt).toMillis();
    }
    assertThat(gateway.output()).doesNotContain("SQLITE_BUSY");
    await().atMost(WAIT).until(() -> unfinishedMessages(db) == 0);

    // A lock held past busy_timeout: refused, unconfirmed, fetched again and answered after.
    long longLock;
    long update;
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      lockAndWrite(other, 1004);
      long lockedAt = System.nanoTime();
      update = telegram.privateMessage(BOB, "during a long lock");
      // The journal's write may queue behind another one that times out first (the outbox
      // marking the previous answer sent, when that answer showed before it was marked), so
      // wait for the refused update itself, up to two timeouts.
      await()
          .atMost(BUSY_TIMEOUT.multipliedBy(2).plus(WAIT))
          .until(() -> gateway
              .output()
              .contains("telegram: could not take an update; it will be fetched again"));
      assertThat(answered("during a long lock")).isFalse();
      assertThat(telegram.confirmedUpToUpdateId()).isLessThan(update);
      assertThat(gateway.output())
          .contains("telegram: could not take an update; it will be fetched again")
          .contains("(" + db + "): another process held the database locked for over 10 s;"
              + " nothing was written")
          .contains("database is locked");
      commit(other);
      telegram.awaitMessage(BOB, m -> m.text().equals("during a long lock"), WAIT);
      longLock = Duration.ofNanos(System.nanoTime() - lockedAt).toMillis();
    }
    await().atMost(WAIT).until(() -> telegram.confirmedUpToUpdateId() >= update);
    assertThat(telegram.messages(BOB))
        .extracting(BotMessage::text)
        .containsExactly("before any lock", "during a short lock", "during a long lock");
    assertThat(gateway.process().isAlive()).isTrue();
    assertThat(gateway.get("/health").status()).isEqualTo(200);
    System.out.printf(
        "locked database: short lock answered %d ms after it was taken, long lock %d ms%n",
        shortLock, longLock);
  }

  private boolean answered(String text) {
    return telegram.messages(BOB).stream().anyMatch(m -> m.text().equals(text));
  }

  /** Takes the write lock and writes under it, as a second writer would. */
  private static void lockAndWrite(Connection c, long userId) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO approved_users (platform, user_id, display_name, approved_at)"
            + " VALUES ('telegram', ?, 'approved while locked', 0)")) {
      ps.setString(1, Long.toString(userId));
      ps.executeUpdate();
    }
  }

  private static void commit(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("COMMIT");
    }
  }

  private static int unfinishedMessages(String db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM inbound WHERE status <> 'DONE'")) {
      return rs.getInt(1);
    }
  }
}
