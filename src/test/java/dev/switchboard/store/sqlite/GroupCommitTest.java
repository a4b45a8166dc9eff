package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions that arrive while one runs are committed together; each still gets its own
 * outcome. The interleaving is forced: the first transaction holds the connection until the
 * others are queued behind it.
 */
class GroupCommitTest {
  @TempDir
  Path dir;

  private SqliteDb db;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void open() {
    db = SqliteDb.open(dir.resolve("t.db"));
    db.update("make a table", "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
  }

  @AfterEach
  void close() {
    release.countDown();
    threads.shutdownNow();
    db.close();
  }

  /** Starts a transaction that writes k=0 and keeps the connection until released. */
  private Future<Integer> hold() throws InterruptedException {
    Future<Integer> f = threads.submit(() -> db.transaction("hold the connection", c -> {
      insert(c, 0);
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return 0;
    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    return f;
  }

  private static int insert(Connection c, int k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      ps.setInt(1, k);
      ps.setString(2, "v" + k);
      return ps.executeUpdate();
    }
  }

  private Future<Integer> queue(String what, SqlDatabase.Work<Integer> work) {
    return threads.submit(() -> db.transaction(what, work));
  }

  private List<Integer> keys() {
    return db.transaction("read", c -> {
      List<Integer> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT k FROM t ORDER BY k");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    });
  }

  private void awaitQueued(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> db.waitingTransactions() == n);
  }

  @Test
  void transactionsQueuedBehindOneAreCommittedTogetherInOneCommit() throws Exception {
    long before = db.commits();
    Future<Integer> first = hold();
    List<Future<Integer>> queued = new ArrayList<>();
    for (int k = 1; k <= 5; k++) {
      int key = k;
      queued.add(queue("insert " + k, c -> insert(c, key)));
    }
    awaitQueued(5);
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
    for (Future<Integer> f : queued) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(keys()).containsExactly(0, 1, 2, 3, 4, 5);
    // the held one alone, the five together, and the read
    assertThat(db.commits() - before).isEqualTo(3);
  }

  @Test
  void aWorkThatFailsInABatchIsRolledBackAloneAndItsCallerGetsItsFailure() throws Exception {
    Future<Integer> first = hold();
    Future<Integer> one = queue("insert 1", c -> insert(c, 1));
    Future<Integer> broken = queue("insert 2 then fail", c -> {
      insert(c, 2);
      throw new IllegalStateException("the work's own failure");
    });
    Future<Integer> duplicate = queue("insert 1 again", c -> insert(c, 1));
    Future<Integer> three = queue("insert 3", c -> insert(c, 3));
    awaitQueued(4);
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(three.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the work's own failure");
    assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("database error while trying to insert 1 again")
        .hasMessageContaining("UNIQUE constraint failed");
    assertThat(keys()).containsExactly(0, 1, 3);
  }

  @Test
  void whenTheSharedTransactionIsLostEachWorkRunsAgainAloneAndIsKeptOnce() throws Exception {
    Future<Integer> first = hold();
    Future<Integer> one = queue("insert 1", c -> insert(c, 1));
    // ends the shared transaction under everyone's feet, as SQLite does itself on a full disk
    Future<Integer> rogue = queue("roll everything back", c -> {
      insert(c, 2);
      try (PreparedStatement ps = c.prepareStatement("ROLLBACK")) {
        ps.execute();
      }
      return 0;
    });
    Future<Integer> three = queue("insert 3", c -> insert(c, 3));
    awaitQueued(3);
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(three.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> rogue.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("roll everything back");
    assertThat(keys()).containsExactly(0, 1, 3);
    assertThat(db.update("still works", "INSERT INTO t (k, v) VALUES (?, ?)", 4, "v4"))
        .isEqualTo(1);
  }
}
