package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: the disk under the state directory fills up (a 4 MB tmpfs mounted on it, filled by
 * the test). A message that cannot be journaled is not taken: Telegram's offset does not move
 * past it, so Telegram keeps it; the log says the disk is full and names the database. Nothing
 * journaled before is lost, and once space returns every refused message is answered, once.
 */
class DiskFullProcessIT {
  /** A bot token of its own: the credential lock is machine-wide, other tests may run. */
  private static final String TOKEN = "424201:FAULTSdiskfullabcdefghijklmnopqrstuv";

  private static final long BOB = 1002;
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** A gateway's start, slow on a loaded 2-core machine. */
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private Tmpfs disk;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Tmpfs.canMount(), "mounting a tmpfs needs root (CI runs as root)");
    home = dir.resolve("home");
    Files.createDirectories(home);
    disk = Tmpfs.mount(home, 4L << 20);
    telegram = FakeTelegramServer.start(TOKEN, "switchboard_test_bot");
    telegram.registerUser(BOB, "Bob", null, "bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (gateway != null) {
        gateway.close();
        gateway.process().waitFor(10, TimeUnit.SECONDS);
      }
      if (telegram != null) {
        telegram.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void aFullDiskRefusesNewMessagesUntilSpaceReturnsThenAnswersEachOnce() throws Exception {
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
            Long.toString(BOB),
            "SWITCHBOARD_BUSY_POLICY",
            "queue"));
    gateway.awaitState(GatewayState.RUNNING, START);
    telegram.awaitLongPoll(START);
    telegram.privateMessage(BOB, "written before the disk filled");
    telegram.awaitMessage(BOB, m -> m.text().equals("written before the disk filled"), WAIT);

    // No slack left anywhere: the WAL is emptied into the database file, then the rest of the
    // file system is taken, so the next write SQLite makes needs space it cannot get.
    Path db = home.resolve("switchboard.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    assertThat(disk.fill()).isPositive();

    List<Long> refused = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      refused.add(telegram.privateMessage(BOB, "written while the disk is full " + i));
    }
    // Refused, and refused again at the next poll: the update stays unconfirmed meanwhile.
    await().atMost(WAIT).until(() -> refusals(gateway.output()) >= 2);
    String log = gateway.output();
    assertThat(log)
        .contains("telegram: could not take an update; it will be fetched again")
        .contains("(" + db + "): the disk holding " + home + " is full; nothing was written,"
            + " free space there")
        .contains("SQLITE_FULL");
    assertThat(telegram.confirmedUpToUpdateId()).isLessThan(refused.getFirst());
    assertThat(telegram.messages(BOB))
        .extracting(BotMessage::text)
        .containsExactly("written before the disk filled");
    assertThat(gateway.process().isAlive()).isTrue();

    disk.release();
    for (int i = 1; i <= 3; i++) {
      String text = "written while the disk is full " + i;
      telegram.awaitMessage(BOB, m -> m.text().equals(text), WAIT);
    }
    // each answered once, in order (besides the "\u23f3 Queued" notes of the queue)
    assertThat(telegram.messages(BOB))
        .extracting(BotMessage::text)
        .filteredOn(t -> !t.startsWith("\u23f3"))
        .containsExactly(
            "written before the disk filled",
            "written while the disk is full 1",
            "written while the disk is full 2",
            "written while the disk is full 3");
    await().atMost(WAIT).until(() -> telegram.confirmedUpToUpdateId() >= refused.getLast());
    assertThat(gateway.process().isAlive()).isTrue();
  }

  private static long refusals(String log) {
    return log.lines()
        .filter(l -> l.contains("could not take an update") && l.contains("SQLITE_FULL"))
        .count();
  }
}
