package dev.switchboard.store.sqlite;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
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
final class SqliteDb implements SqlDatabase {
  private static final Logger log = LoggerFactory.getLogger(SqliteDb.class);
  /** How long a write waits for another process's lock before it fails with SQLITE_BUSY. */
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

  /** Pages (4 KiB) given back per hold of the lock: about a millisecond of work. */
  private static final int VACUUM_STEP = 256;

  /**
   * The one-time switch of an older database rewrites the whole file, at 10 to 100 MB a second
   * depending on the disk; above this size it could outlast a supervisor's start timeout
   * (systemd's is 90 s) and turn every start into a kill, so a larger file is left as it is.
   */
  static final long SWITCH_AT_OPEN_UP_TO = 256L * 1024 * 1024;

  /**
   * The version of the newest migration in {@code db/migration} (SqliteDbTest checks that it
   * is): a database whose history already has it, with no failed step, needs no migration.
   */
  static final int NEWEST_MIGRATION = 10;

  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private final StatementCache statements;
  private final Path file;

  private SqliteDb(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
    this.statements = new StatementCache(connection);
  }

  static SqliteDb open(Path file) {
    return open(file, SWITCH_AT_OPEN_UP_TO);
  }

  /**
   * @param switchUpTo the largest database switched to incremental vacuum at open; a larger
   *     one is left as it is
   */
  static SqliteDb open(Path file, long switchUpTo) {
    makePrivate(file);
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    // another process (the CLI) may hold the write lock briefly
    config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
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
      if (!upToDate(connection)) {
        Flyway.configure()
            .dataSource(url, "", "")
            .locations("classpath:db/migration")
            .load()
            .migrate();
      }
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw new StoreException("cannot prepare the database " + file + ": " + e.getMessage(), e);
    }
    return new SqliteDb(file, connection);
  }

  /**
   * Whether Flyway has nothing to do: it would scan the jar for migrations, open a second
   * connection and validate every applied step, about a sixth of a start's time, on every
   * start (a restart's time to ready is what users wait for). A database that a newer version
   * of ours migrated further counts as up to date too, as Flyway treats it (it ignores future
   * migrations).
   */
  static boolean upToDate(Connection c) {
    try (Statement s = c.createStatement()) {
      if (count(
              s,
              "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                  + " AND name = 'flyway_schema_history'")
          == 0) {
        return false;
      }
      return count(s, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 0") == 0
          && count(
                  s,
                  "SELECT COALESCE(MAX(CAST(version AS INTEGER)), 0)"
                      + " FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL")
              >= NEWEST_MIGRATION;
    } catch (SQLException e) {
      return false; // Flyway will say what is wrong
    }
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

  @Override
  public long bytesOnDisk() {
    return bytesOnDisk(file);
  }

  /**
   * Hands free pages back to the file system, {@value #VACUUM_STEP} at a time with the lock
   * released in between, then truncates the WAL. An interrupt (the gateway's stop) ends it
   * after the current step: what is left is given back by the next pass.
   */
  @Override
  public void compact() {
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
  @Override
  public <T> T transaction(String what, Work<T> work) {
    lock.lock();
    try {
      execute("BEGIN");
      try {
        T result;
        try {
          result = work.run(statements.connection());
        } finally {
          statements.takeBackAll();
        }
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
    statements.execute(sql);
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

  /** How many prepared statements are kept for reuse; for tests. */
  int keptStatements() {
    lock.lock();
    try {
      return statements.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      statements.close();
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the database " + file, e);
    } finally {
      lock.unlock();
    }
  }
}
