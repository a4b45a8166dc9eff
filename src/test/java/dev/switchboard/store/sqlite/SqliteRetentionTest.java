package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Pruner;
import dev.switchboard.store.Retention;
import dev.switchboard.store.Store;
import dev.switchboard.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What retention means for the file itself: it shrinks after pruning, an older database is
 * switched to incremental vacuum at open, and a stranger's words never reach it. What every
 * store must do when pruning is in {@link SqliteStoreContractTest}.
 */
class SqliteRetentionTest {
  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();

  private Path file() {
    return dir.resolve("switchboard.db");
  }

  private static InboundMessage message(int n, String text) {
    return new InboundMessage(
        new ChatRef("telegram", "c" + n % 50, null),
        "m" + n,
        new Sender("u" + n % 50, "User " + n % 50),
        text,
        false,
        ManualClock.DEFAULT_START);
  }

  private static long pragma(Path file, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void theFileShrinksOncePrunedRowsAreGone() throws Exception {
    String text = "x".repeat(2000);
    try (Store store = SqliteStore.open(file(), clock)) {
      for (int i = 0; i < 5000; i++) {
        InboundMessage m = message(i, text);
        store.journal().record(m);
        store.journal().markDone(m, "answered");
        store.conversations().append("s" + i % 50, 0, "user", text);
      }
      store.journal().record(message(99_999, "still waiting"));
      store.compact(); // the WAL into the database, so the size is the data's
      long full = store.bytesOnDisk();
      assertThat(full).isGreaterThan(20_000_000);
      clock.advance(Duration.ofDays(100));

      Pruner.Pass pass =
          new Pruner(store, Retention.DEFAULTS, clock, clock, clock).run(Duration.ofMinutes(5));

      assertThat(pass.journal()).isEqualTo(5000);
      assertThat(pass.transcriptLines()).isEqualTo(5000);
      assertThat(pass.bytesBefore()).isEqualTo(full);
      assertThat(pass.bytesAfter()).isEqualTo(store.bytesOnDisk()).isLessThan(full / 20);
      assertThat(Files.size(dir.resolve("switchboard.db-wal")))
          .as("WAL truncated")
          .isZero();
      assertThat(store.journal().unfinished()).hasSize(1);
    }
  }

  @Test
  void aDatabaseMadeWithoutIncrementalVacuumIsSwitchedAtOpenAndKeepsItsRows() throws Exception {
    try (Store store = SqliteStore.open(file(), clock)) {
      store.journal().record(message(1, "from before the upgrade"));
    }
    assertThat(pragma(file(), "auto_vacuum")).as("a new database has it").isEqualTo(2);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.executeUpdate("PRAGMA auto_vacuum = NONE");
      s.executeUpdate("VACUUM"); // as every database made by the previous release
    }
    assertThat(pragma(file(), "auto_vacuum")).isZero();

    try (Store store = SqliteStore.open(file(), clock)) {
      assertThat(store.journal().unfinished())
          .extracting(e -> e.message().text())
          .containsExactly("from before the upgrade");
    }
    assertThat(pragma(file(), "auto_vacuum")).isEqualTo(2);
  }

  @Test
  void aDatabaseTooLargeToRewriteAtStartIsLeftAsItIsAndStillWorks() throws Exception {
    try (Store store = SqliteStore.open(file(), clock)) {
      store.journal().record(message(1, "from before the upgrade"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.executeUpdate("PRAGMA auto_vacuum = NONE");
      s.executeUpdate("VACUUM");
    }
    long bytes = SqliteDb.bytesOnDisk(file());

    try (Store store = SqliteStore.open(file(), clock, bytes - 1)) {
      assertThat(pragma(file(), "auto_vacuum")).as("not rewritten").isZero();
      store.journal().record(message(2, "after the upgrade"));
      store.compact();
      assertThat(store.journal().unfinished())
          .extracting(e -> e.message().text())
          .containsExactly("from before the upgrade", "after the upgrade");
    }

    SqliteStore.open(file(), clock).close();
    assertThat(pragma(file(), "auto_vacuum"))
        .as("switched once under the limit")
        .isEqualTo(2);
  }

  @Test
  void aStrangersWordsNeverReachTheFile() throws Exception {
    String words = "a long message from someone nobody let in ".repeat(400); // 17 KB
    List<Long> sizes = new ArrayList<>();
    try (Store store = SqliteStore.open(file(), clock)) {
      store.compact();
      sizes.add(store.bytesOnDisk());
      for (int i = 0; i < 300; i++) {
        InboundMessage m = message(i, words);
        assertThat(store.journal().recordRefused(m.ref(), m.sender().userId(), "pairing"))
            .isTrue();
      }
      store.compact();
      sizes.add(store.bytesOnDisk());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT COUNT(*), SUM(LENGTH(text)), COUNT(DISTINCT user_id) FROM inbound")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(300);
      assertThat(rs.getLong(2)).as("characters of text kept").isZero();
      assertThat(rs.getInt(3)).as("the senders, for pairing").isEqualTo(50);
    }
    assertThat(sizes.get(1) - sizes.get(0)).as("bytes 300 strangers added").isLessThan(100_000);
  }
}
