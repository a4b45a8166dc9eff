package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start skips Flyway when the database has every migration, and only then. */
class SqliteMigrationSkipTest {
  private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*\\.sql");

  @TempDir
  Path dir;

  @Test
  void theNewestMigrationConstantNamesTheNewestFileInDbMigration() throws Exception {
    Path migrations =
        Path.of(Objects.requireNonNull(getClass().getClassLoader().getResource("db/migration"))
            .toURI());
    int newest;
    try (Stream<Path> files = Files.list(migrations)) {
      newest = files
          .map(p -> VERSION.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .max()
          .orElseThrow();
    }
    assertThat(SqliteDb.NEWEST_MIGRATION)
        .as("a new migration must raise SqliteDb.NEWEST_MIGRATION, or no start would apply it")
        .isEqualTo(newest);
  }

  @Test
  void aNewDatabaseIsMigratedAndThenCountsAsUpToDate() throws Exception {
    Path file = dir.resolve("switchboard.db");
    SqliteDb.open(file).close();
    try (Connection c = connect(file)) {
      assertThat(SqliteDb.upToDate(c)).isTrue();
      assertThat(count(c, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"))
          .isEqualTo(SqliteDb.NEWEST_MIGRATION);
    }
  }

  @Test
  void aDatabaseMissingTheNewestMigrationGetsItAtTheNextOpen() throws Exception {
    Path file = dir.resolve("switchboard.db");
    SqliteDb.open(file).close();
    try (Connection c = connect(file);
        Statement s = c.createStatement()) {
      // as a database of the previous version: V10's table and its history row absent
      s.executeUpdate("DROP TABLE platform_records");
      s.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '10'");
      assertThat(SqliteDb.upToDate(c)).isFalse();
    }

    SqliteDb.open(file).close();

    try (Connection c = connect(file)) {
      assertThat(
              count(
                  c,
                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'platform_records'"))
          .isEqualTo(1);
      assertThat(SqliteDb.upToDate(c)).isTrue();
    }
  }

  @Test
  void aFailedStepInTheHistoryIsLeftToFlyway() throws Exception {
    Path file = dir.resolve("switchboard.db");
    SqliteDb.open(file).close();
    try (Connection c = connect(file);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE flyway_schema_history SET success = 0 WHERE version = '2'");
      assertThat(SqliteDb.upToDate(c)).isFalse();
    }
  }

  private static Connection connect(Path file) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
