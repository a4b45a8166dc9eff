package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
  @TempDir
  Path dir;

  private SqliteDb db;

  @BeforeEach
  void open() {
    db = SqliteDb.open(dir.resolve("t.db"));
    db.update("make a table", "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    for (int i = 1; i <= 3; i++) {
      db.update("insert", "INSERT INTO t (k, v) VALUES (?, ?)", i, "v" + i);
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static List<String> values(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void aStatementIsPreparedOnceAndGivesEachUseItsOwnParameters() {
    String sql = "SELECT v FROM t WHERE k >= ? ORDER BY k";
    List<List<String>> seen = new ArrayList<>();
    for (int from = 1; from <= 3; from++) {
      int f = from;
      seen.add(db.transaction("read", c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setInt(1, f);
          return values(ps);
        }
      }));
    }
    assertThat(seen).containsExactly(List.of("v1", "v2", "v3"), List.of("v2", "v3"), List.of("v3"));
    // the SELECT, BEGIN, COMMIT and the INSERT of the set-up: nothing prepared twice
    assertThat(db.keptStatements()).isEqualTo(5);
  }

  @Test
  void theSameStatementPreparedAgainWhileItsFirstIsReadIsASeparateOne() {
    String sql = "SELECT v FROM t WHERE k = ?";
    List<String> pairs = db.transaction("nested", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement outer = c.prepareStatement("SELECT k FROM t ORDER BY k");
          ResultSet rows = outer.executeQuery()) {
        while (rows.next()) {
          try (PreparedStatement inner = c.prepareStatement(sql)) {
            inner.setInt(1, rows.getInt(1));
            try (PreparedStatement again = c.prepareStatement(sql)) {
              again.setInt(1, 1);
              out.add(values(inner) + "/" + values(again));
            }
          }
        }
      }
      return out;
    });
    assertThat(pairs).containsExactly("[v1]/[v1]", "[v2]/[v1]", "[v3]/[v1]");
  }

  @Test
  void aStatementLeftOpenIsTakenBackAtTheEndOfItsTransactionAndWritesGoOn() {
    Boolean first = db.transaction("leave a query open", c -> {
      PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY k");
      ResultSet rs = ps.executeQuery();
      return rs.next();
    });
    assertThat(first).isTrue();
    db.update("write after", "INSERT INTO t (k, v) VALUES (?, ?)", 4, "v4");
    List<String> all = db.transaction("read all", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY k")) {
        return values(ps);
      }
    });
    assertThat(all).containsExactly("v1", "v2", "v3", "v4");
  }

  /**
   * On most errors the xerial driver finalizes the failed statement but does not mark it closed:
   * kept as it was, every later BEGIN or COMMIT failed with "statement is not executing".
   */
  @Test
  void aStatementTheDriverLetGoOfAfterAnErrorIsPreparedAgain() {
    // the work ends the transaction itself, so COMMIT and then ROLLBACK fail at their step
    assertThatThrownBy(() -> db.transaction("end it early", c -> {
          try (PreparedStatement ps = c.prepareStatement("ROLLBACK")) {
            ps.execute();
          }
          return 0;
        }))
        .hasMessageContaining("end it early");
    assertThat(db.update("insert after", "INSERT INTO t (k, v) VALUES (?, ?)", 4, "v4"))
        .isEqualTo(1);
    assertThat(db.update("and again", "INSERT INTO t (k, v) VALUES (?, ?)", 5, "v5"))
        .isEqualTo(1);
  }

  @Test
  void aLentStatementCannotBeUsedAfterItWasClosed() {
    assertThatThrownBy(() -> db.transaction("use after close", c -> {
          PreparedStatement ps = c.prepareStatement("SELECT v FROM t");
          ps.close();
          assertThat(ps.isClosed()).isTrue();
          return ps.executeQuery();
        }))
        .hasMessageContaining("statement used after it was closed");
    assertThat(db.update("still works", "DELETE FROM t WHERE k = ?", 1)).isEqualTo(1);
  }

  @Test
  void atMostCapacityStatementsAreKept() {
    for (int i = 0; i < StatementCache.CAPACITY + 10; i++) {
      int n = i;
      db.transaction("many", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = " + n)) {
          return values(ps);
        }
      });
    }
    assertThat(db.keptStatements()).isEqualTo(StatementCache.CAPACITY);
    assertThat(db.update("still works", "DELETE FROM t WHERE k = ?", 2)).isEqualTo(1);
  }
}
