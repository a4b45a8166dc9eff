package dev.switchboard.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.common.Backoff;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's database on a PostgreSQL server, through a HikariCP pool.
 *
 * <p>Every transaction is SERIALIZABLE: the store's parts were written for SQLite, where one
 * writer at a time makes every transaction as if alone (a pairing's count-then-insert, a job's
 * read-then-update); several instances and a pool of connections must not weaken that. A
 * transaction PostgreSQL aborts for a conflict (40001, 40P01) is run again at once.
 *
 * <p>A database that goes away is waited for, up to {@code outageWait}, with backoff, as long as
 * the transaction cannot have been written: it failed before its commit was asked for, so
 * PostgreSQL rolled it back, and running it again is safe. A connection lost during the commit
 * leaves its outcome unknown, and that is said instead of guessing.
 */
final class PostgresDb implements SqlDatabase {
  private static final Logger log = LoggerFactory.getLogger(PostgresDb.class);
  /** Conflicts in a row after which a transaction gives up: only a livelock gets there. */
  private static final int MAX_CONFLICTS = 20;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration LAST_BACKOFF = Duration.ofSeconds(5);

  private final HikariDataSource pool;
  private final DatabaseUrl url;
  private final Duration outageWait;
  /** When the current outage began (System.nanoTime), 0 while the database answers. */
  private final AtomicLong outageSince = new AtomicLong();

  private PostgresDb(HikariDataSource pool, DatabaseUrl url, Duration outageWait) {
    this.pool = pool;
    this.url = url;
    this.outageWait = outageWait;
  }

  /**
   * Connects and migrates, waiting up to the settings' start wait for a database that cannot
   * be reached yet (a server starting with its host, or a failover); other failures (a wrong
   * password, a missing database) end the wait at once, since waiting cannot fix them.
   */
  static PostgresDb open(PostgresSettings settings) {
    HikariDataSource pool = new HikariDataSource(poolConfig(settings));
    try {
      awaitReachable(pool, settings);
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/postgresql")
          .load()
          .migrate();
      return new PostgresDb(pool, settings.url(), settings.outageWait());
    } catch (RuntimeException e) {
      pool.close();
      if (e instanceof StoreException) {
        throw e;
      }
      throw new StoreException(
          "cannot prepare the database " + settings.url().where() + ": " + e.getMessage(), e);
    }
  }

  private static HikariConfig poolConfig(PostgresSettings settings) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("switchboard-store");
    c.setJdbcUrl(settings.url().jdbc());
    c.setUsername(settings.url().user());
    if (!settings.password().isEmpty()) {
      c.setPassword(settings.password());
    }
    c.setMaximumPoolSize(settings.poolSize());
    c.setMinimumIdle(1);
    c.setAutoCommit(false);
    c.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
    c.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    // the pool is made before the database answers; awaitReachable says why it does not
    c.setInitializationFailTimeout(-1);
    c.addDataSourceProperty("ApplicationName", "switchboard");
    c.addDataSourceProperty("connectTimeout", "5");
    // a network stall must not hold a turn forever: no statement of ours runs this long
    c.addDataSourceProperty("socketTimeout", "30");
    c.addDataSourceProperty("tcpKeepAlive", "true");
    return c;
  }

  private static void awaitReachable(HikariDataSource pool, PostgresSettings settings) {
    long deadline = System.nanoTime() + settings.startWait().toNanos();
    Backoff backoff = backoff();
    while (true) {
      try (Connection c = pool.getConnection()) {
        c.rollback();
        return;
      } catch (SQLException e) {
        if (!unreachable(e) || System.nanoTime() - deadline >= 0) {
          throw new StoreException(
              "cannot connect to the database " + settings.url().where() + ": " + reason(e), e);
        }
        Duration wait = backoff.next();
        log.warn(
            "the database {} cannot be reached ({}); trying again in {} ms",
            settings.url().where(),
            reason(e),
            wait.toMillis());
        pause(wait);
      }
    }
  }

  @Override
  public <T> T transaction(String what, Work<T> work) {
    long deadline = System.nanoTime() + outageWait.toNanos();
    Backoff backoff = backoff();
    int conflicts = 0;
    while (true) {
      try {
        T result = attempt(work);
        cameBack();
        return result;
      } catch (CommitLost e) {
        throw new StoreException(
            "the database " + url.where() + " went away while committing" + " (to " + what
                + "); whether it was written is unknown: " + reason(e.cause),
            e.cause);
      } catch (SQLException e) {
        if (interrupted(e)) {
          Thread.currentThread().interrupt();
          throw new StoreException("stopped while waiting for the database (to " + what + ")", e);
        }
        if (conflict(e) && ++conflicts < MAX_CONFLICTS) {
          continue;
        }
        if (unreachable(e) && System.nanoTime() - deadline < 0) {
          wentAway(e);
          pause(backoff.next());
          continue;
        }
        throw new StoreException(
            "database error while trying to " + what + " (" + url.where() + "): " + reason(e), e);
      }
    }
  }

  private <T> T attempt(Work<T> work) throws SQLException, CommitLost {
    try (Connection c = pool.getConnection()) {
      T result;
      try {
        result = work.run(c);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
      try {
        c.commit();
      } catch (SQLException e) {
        if (conflict(e)) {
          throw e; // PostgreSQL refused the commit: rolled back, safe to run again
        }
        throw new CommitLost(e);
      }
      return result;
    }
  }

  /** A commit whose answer never came: the transaction may or may not be written. */
  private static final class CommitLost extends Exception {
    private static final long serialVersionUID = 1L;
    final transient SQLException cause;

    CommitLost(SQLException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  private void wentAway(SQLException e) {
    if (outageSince.compareAndSet(0, System.nanoTime())) {
      log.warn(
          "the database {} went away ({}); what needs it waits up to {} s for it to come back",
          url.where(),
          reason(e),
          outageWait.toSeconds());
    }
  }

  private void cameBack() {
    long since = outageSince.getAndSet(0);
    if (since != 0) {
      log.info(
          "the database {} is back after {} ms",
          url.where(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e); // a lost connection rolls back by itself
    }
  }

  /** The pool's wait for a connection was interrupted (a turn cancelled, the stop). */
  private static boolean interrupted(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /** Serialization failure or deadlock: PostgreSQL aborted the transaction, nothing written. */
  static boolean conflict(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  /**
   * The server cannot be reached or dropped the connection: class 08, or an administrator's or
   * a crash's shutdown (57P01-57P03). The deepest SQL state decides, since the pool wraps what
   * the driver said (a missing database, 3D000, is no outage); the pool's timeout with nothing
   * beneath it means no connection could be had in time, which is waited out too.
   */
  static boolean unreachable(SQLException e) {
    String state = null;
    boolean connectionKind = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        connectionKind = true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        state = s.getSQLState();
      }
    }
    if (state != null) {
      return state.startsWith("08") || state.startsWith("57P0");
    }
    return connectionKind;
  }

  /** The deepest message: the pool's own says only that it timed out. */
  private static String reason(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t.getCause() != null && depth < 10; depth++) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("stopped while waiting for the database", e);
    }
  }

  /**
   * Waits between tries at a database that is away: up to ¼ s, doubling to 5 s, each at least
   * half its window, so that the instances and turns waiting together do not all come back at
   * once.
   */
  private static Backoff backoff() {
    return Backoff.equalJitter(FIRST_BACKOFF, LAST_BACKOFF, ThreadLocalRandom.current());
  }

  @Override
  public long bytesOnDisk() {
    return transaction("measure the database", c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    });
  }

  /**
   * Nothing to do: PostgreSQL's autovacuum makes the space of deleted rows reusable, so the
   * tables stop growing; giving it back to the file system (VACUUM FULL) locks each table while
   * it is rewritten, which a running gateway must not do to the other instances.
   */
  @Override
  public void compact() {}

  @Override
  public void close() {
    pool.close();
  }
}
