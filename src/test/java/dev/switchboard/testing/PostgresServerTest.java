package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {
  private final PostgresServer server = PostgresServer.shared();

  @Test
  void aNewDatabaseIsReachableByItsJdbcUrlAndEmpty() throws SQLException {
    String url = server.newDatabase("reachable");
    String name = databaseOf(url);

    assertThat(url).isEqualTo("postgresql://postgres@127.0.0.1:" + server.port() + "/" + name);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(name))) {
      assertThat(single(c, "SELECT current_database()")).isEqualTo(name);
      assertThat(single(c, "SELECT current_user")).isEqualTo("postgres");
      assertThat(single(
              c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
          .isEqualTo("0");
    }
  }

  @Test
  void twoNewDatabasesAreSeparate() throws SQLException {
    String first = databaseOf(server.newDatabase("separate"));
    String second = databaseOf(server.newDatabase("separate"));

    assertThat(first).isNotEqualTo(second);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(first));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE only_in_first (id int)");
    }
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(second))) {
      assertThat(single(c, "SELECT to_regclass('only_in_first') IS NULL")).isEqualTo("t");
    }
  }

  @Test
  void afterARestartOpenConnectionsAreCutAndNewOnesWorkOnTheSamePort() throws SQLException {
    String name = databaseOf(server.newDatabase("restart"));
    int port = server.port();
    try (Connection before = DriverManager.getConnection(server.jdbcUrl(name))) {
      execute(before, "CREATE TABLE kept (id int)");
      execute(before, "INSERT INTO kept VALUES (7)");
      String started = single(before, "SELECT pg_postmaster_start_time()::text");

      server.restart();

      assertThatThrownBy(() -> single(before, "SELECT 1")).isInstanceOf(SQLException.class);
      assertThat(server.port()).isEqualTo(port);
      try (Connection after = DriverManager.getConnection(server.jdbcUrl(name))) {
        assertThat(single(after, "SELECT pg_postmaster_start_time() > '" + started + "'"))
            .isEqualTo("t");
        assertThat(single(after, "SELECT id FROM kept")).isEqualTo("7");
      }
    }
  }

  @Test
  void whileStoppedConnectionsFailAndAfterStartTheyWorkAgain() throws SQLException {
    String name = databaseOf(server.newDatabase("stop_start"));

    server.stop();
    try {
      assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(name)).close())
          .isInstanceOf(SQLException.class);
    } finally {
      server.start();
    }
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(name))) {
      assertThat(single(c, "SELECT current_database()")).isEqualTo(name);
    }
  }

  @Test
  void databaseNamesKeepOnlyLowercaseLettersDigitsAndUnderscores() {
    assertThat(PostgresServer.databaseName("Store IT-retry", 3)).isEqualTo("store_it_retry_3");
    assertThat(PostgresServer.databaseName("9lives", 1)).isEqualTo("db_9lives_1");
    assertThat(PostgresServer.databaseName("", 2)).isEqualTo("db__2");
    assertThat(PostgresServer.databaseName("x".repeat(100), 12)).hasSize(43);
  }

  private static String databaseOf(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }
}
