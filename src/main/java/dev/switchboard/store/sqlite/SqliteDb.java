package dev.switchboard.store.sqlite;

import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>The file shrinks when rows are deleted: the database uses {@code auto_vacuum=INCREMENTAL},
 * so {@link #compact} can hand free pages back to the file system a few at a time, and then
 * truncates the WAL. A database made before that setting existed is switched at open, once,
 * with a full {@code VACUUM} (which rewrites the file, so it takes a moment and as much free
 * disk space as the file's size); if that fails the gateway runs on, and the next open tries
 * again. A database too large to rewrite during a start ({@link #SWITCH_AT_OPEN_UP_TO}) is left
 * as it is, with a warning that says how to switch it by hand: its pruned rows still make room
 * for new ones, so it stops growing, but it does not shrink.
 */
final class SqliteDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteDb.class);
  /** Pages (4 KiB) given back per hold of the lock: about a millisecond of work. */
  private static final int VACUUM_STEP = 256;

  /**
   * The one-time switch of an older database rewrites the whole file, at 10 to 100 MB a second
   * depending on the disk; above this size it could outlast a supervisor's start timeout
   * (systemd's is 90 s) and turn every start into a kill, so a larger file is left as it is.
   */
  static final long SWITCH_AT_OPEN_UP_TO = 256L * 1024 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final Path file;

  private SqliteDb(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  static SqliteDb open(Path file) {
    return open(file, SWITCH_AT_OPEN_UP_TO);
  }

  /**
   * @param switchUpTo the largest database switched to incremental vacuum at open; a larger
   *     one is left as it is
   */
  static SqliteDb open(Path file, long switchUpTo) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000); // another process (the CLI) may hold the write lock briefly
    config.enforceForeignKeys(true);
    Connection connection;
    try {
      connection = DriverManager.getConnection(url, config.toProperties());
    } catch (SQLException e) {
      throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
    try {
      // before the migrations: a new database takes the setting before its first table
      useIncrementalVacuum(connection, file, switchUpTo);
      Flyway.configure()
          .dataSource(url, "", "")
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw new StoreException("cannot prepare the database " + file + ": " + e.getMessage(), e);
    }
    return new SqliteDb(file, connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the database after a failed open", e);
    }
  }

  private static void useIncrementalVacuum(Connection c, Path file, long switchUpTo) {
    try (Statement s = c.createStatement()) {
      if (pragma(s, "auto_vacuum") == 2) {
        return;
      }
      if (count(s, "SELECT COUNT(*) FROM sqlite_master") == 0) {
        s.executeUpdate("PRAGMA auto_vacuum = INCREMENTAL");
        // WAL mode wrote the header already, so even a new file needs a VACUUM: of nothing
        s.executeUpdate("VACUUM");
        return;
      }
      long bytes = bytesOnDisk(file);
      if (bytes > switchUpTo) {
        log.warn(
            "the database {} ({} MB) does not use incremental vacuum: pruned rows make room for"
                + " new ones, but the file does not shrink. Switching it rewrites the file, too"
                + " slow for a start above {} MB; to switch it, stop the gateway and run: sqlite3"
                + " {} 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM;'",
            file,
            bytes / 1_000_000,
            switchUpTo / 1_000_000,
            file);
        return;
      }
      s.executeUpdate("PRAGMA auto_vacuum = INCREMENTAL");
      long t0 = System.nanoTime();
      log.info(
          "switching the database {} ({} MB) to incremental vacuum, once, so that it shrinks"
              + " when old rows are pruned; this rewrites the file",
          file,
          bytes / 1_000_000);
      s.executeUpdate("VACUUM");
      checkpoint(s);
      log.info(
          "database switched to incremental vacuum in {} ms: {} MB",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          bytesOnDisk(file) / 1_000_000);
    } catch (SQLException | UncheckedIOException e) {
      log.warn(
          "could not switch the database {} to incremental vacuum ({}); it works as before but"
              + " keeps its size after pruning; the next start tries again",
          file,
          e.getMessage());
    }
  }

  private static long pragma(Statement s, String name) throws SQLException {
    return count(s, "PRAGMA " + name);
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Copies the WAL into the database and truncates it to nothing; false when another
   * connection (the command line) was reading, so the WAL could not be truncated this time.
   */
  private static boolean checkpoint(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      return rs.next() && rs.getInt(1) == 0;
    }
  }

  /** The database file and its WAL, in bytes; 0 for files that do not exist. */
  static long bytesOnDisk(Path file) {
    return sizeIfAny(file) + sizeIfAny(file.resolveSibling(file.getFileName() + "-wal"));
  }

  private static long sizeIfAny(Path p) {
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + p, e);
    }
  }

  long bytesOnDisk() {
    return bytesOnDisk(file);
  }

  /**
   * Hands free pages back to the file system, {@value #VACUUM_STEP} at a time with the lock
   * released in between, then truncates the WAL. An interrupt (the gateway's stop) ends it
   * after the current step: what is left is given back by the next pass.
   */
  void compact() {
    boolean more = true;
    while (more && !Thread.currentThread().isInterrupted()) {
      more = locked("give free space back", c -> {
        try (Statement s = c.createStatement()) {
          long free = pragma(s, "freelist_count");
          if (free == 0) {
            return false;
          }
          // executeUpdate steps the pragma to its end; execute() would free one page
          s.executeUpdate("PRAGMA incremental_vacuum(" + VACUUM_STEP + ")");
          long left = pragma(s, "freelist_count");
          // a file not (yet) switched to incremental vacuum frees nothing: then stop
          return left > 0 && left < free;
        }
      });
    }
    boolean truncated = locked("checkpoint the WAL", c -> {
      try (Statement s = c.createStatement()) {
        return checkpoint(s);
      }
    });
    if (!truncated) {
      log.debug("WAL of {} not truncated: another connection was reading", file);
    }
  }

  /** Work done on the connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the connection, outside a transaction (what a pragma needs). */
  private <T> T locked(String what, Work<T> work) {
    lock.lock();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException(
          "database error while trying to " + what + " (" + file + "): " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
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
