package dev.switchboard.store.sqlite;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * One SQLite connection for the whole gateway, used under a lock. SQLite has a single writer
 * anyway, and one connection avoids "database is locked" between our own threads; a pool
 * (HikariCP) would add nothing here. WAL journal with synchronous=NORMAL: a commit survives a
 * crash of the process (kill -9), the OS keeps it; only a power cut can lose the last few
 * milliseconds of commits, and in exchange a commit costs microseconds instead of an fsync.
 */
final class SqliteDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteDb.class);
  /** How long a write waits for another process's lock before it fails with SQLITE_BUSY. */
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

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
    // another process (the CLI) may hold the write lock briefly
    config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
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

  /**
   * Runs {@code work} in one transaction; rolled back if it throws.
   *
   * <p>The transaction is begun and ended with SQL, the connection staying in JDBC's autocommit
   * mode: on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) SQLite rolls the transaction
   * back by itself, and the driver's commit/rollback/setAutoCommit then fail with "no
   * transaction is active" and leave the driver believing a transaction is open, so that every
   * later write committed at once but reported failure (a disk that was full once broke the
   * store until a restart). A ROLLBACK that finds nothing to roll back changes nothing here.
   */
  <T> T transaction(String what, Work<T> work) {
    lock.lock();
    try {
      execute("BEGIN");
      try {
        T result = work.run(connection);
        execute("COMMIT");
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackAfter(e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "database error while trying to " + what + " (" + file + "): " + explain(e), e);
    } finally {
      lock.unlock();
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private void rollbackAfter(Exception cause) {
    try {
      execute("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      cause.addSuppressed(alreadyRolledBack); // SQLite rolled it back itself
    }
  }

  /** The driver's message, with what to do first for the errors an operator can fix. */
  private String explain(SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      if (code == SQLiteErrorCode.SQLITE_FULL) {
        return "the disk holding " + file.toAbsolutePath().getParent()
            + " is full; nothing was written, free space there (" + message + ")";
      }
      if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED) {
        return "another process held the database locked for over " + BUSY_TIMEOUT.toSeconds()
            + " s; nothing was written (" + message + ")";
      }
    }
    return message;
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
