package dev.switchboard.store.sqlite;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection for the whole gateway, used under a lock. SQLite has a single writer
 * anyway, and one connection avoids "database is locked" between our own threads; a pool
 * (HikariCP) would add nothing here. WAL journal with synchronous=NORMAL: a commit survives a
 * crash of the process (kill -9), the OS keeps it; only a power cut can lose the last few
 * milliseconds of commits, and in exchange a commit costs microseconds instead of an fsync.
 */
final class SqliteDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteDb.class);
  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final Path file;

  private SqliteDb(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  static SqliteDb open(Path file) {
    makePrivate(file);
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    try {
      Flyway.configure()
          .dataSource(url, "", "")
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new StoreException("cannot prepare the database " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000); // another process (the CLI) may hold the write lock briefly
    config.enforceForeignKeys(true);
    try {
      return new SqliteDb(file, DriverManager.getConnection(url, config.toProperties()));
    } catch (SQLException e) {
      throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The database holds every chat: it is created owner-only before SQLite opens it, and SQLite
   * gives its {@code -wal} and {@code -shm} files the database's mode. Files an older version
   * left readable by others are tightened (the state directory's are already, at the start;
   * this covers a database configured elsewhere).
   */
  private static void makePrivate(Path file) {
    try {
      OwnerOnly.createFileIfMissing(file);
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path part = file.resolveSibling(file.getFileName() + suffix);
        OwnerOnly.tighten(part)
            .ifPresent(was -> log.info("made {} owner-only (was {})", part, was.mode()));
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the database " + file + " owner-only: " + e, e);
    }
  }

  /** Work done on the connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction; rolled back if it throws. */
  <T> T transaction(String what, Work<T> work) {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "database error while trying to " + what + " (" + file + "): " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs one statement in a transaction of its own, as {@link #transaction} does.
   *
   * @return the number of rows the statement changed
   */
  int update(String what, String sql, @Nullable Object... args) {
    return transaction(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the database " + file, e);
    } finally {
      lock.unlock();
    }
  }
}
