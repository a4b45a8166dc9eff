package dev.switchboard.store.postgresql;

import dev.switchboard.store.Leases;
import dev.switchboard.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One short look at the database for {@code status} and {@code doctor}, which must answer in
 * seconds whether or not the server is up: a single connection with a 5 s limit, no pool, no
 * waiting, no migration. It fails with the reason when the server cannot be reached, the login
 * is refused, or a migration step failed.
 */
final class DatabaseProbe {
  private static final String CONNECT_SECONDS = "5";

  private DatabaseProbe() {}

  /** The database's size in bytes. */
  static long bytes(PostgresSettings settings) {
    try (Connection c = connect(settings);
        Statement s = c.createStatement()) {
      failedStep(s);
      try (ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the database " + settings.url().where() + ": " + e.getMessage(), e);
    }
  }

  /** The leases, by name; none before the first start created the table. */
  static List<Leases.Lease> leases(PostgresSettings settings) {
    try (Connection c = connect(settings);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('leases') IS NOT NULL")) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return List.of();
        }
      }
      List<Leases.Lease> out = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery("SELECT name, holder, token, expires_at FROM leases ORDER BY name")) {
        while (rs.next()) {
          out.add(new Leases.Lease(
              rs.getString(1),
              rs.getString(2),
              rs.getLong(3),
              Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the database " + settings.url().where() + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(PostgresSettings settings) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", settings.url().user());
    if (!settings.password().isEmpty()) {
      p.setProperty("password", settings.password());
    }
    p.setProperty("connectTimeout", CONNECT_SECONDS);
    p.setProperty("socketTimeout", CONNECT_SECONDS);
    p.setProperty("ApplicationName", "switchboard-cli");
    return DriverManager.getConnection(settings.url().jdbc(), p);
  }

  private static void failedStep(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return; // never started against this database: the first start creates the tables
      }
    }
    try (ResultSet rs = s.executeQuery(
        "SELECT version, description FROM flyway_schema_history WHERE NOT success LIMIT 1")) {
      if (rs.next()) {
        throw new SQLException("the migration to version " + rs.getString(1) + " ("
            + rs.getString(2) + ") failed; fix it as its error in the gateway's log says, then"
            + " remove its row from flyway_schema_history and start again");
      }
    }
  }
}
