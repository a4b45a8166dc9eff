package dev.switchboard.store.sqlite;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.sql.SqlDatabase.Work;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs the transactions that arrive together as one SQLite transaction (group commit). Each
 * caller queues its work and takes the connection's lock; whoever holds it runs everything
 * queued so far, each work in a savepoint of one {@code BEGIN ... COMMIT}, and the others find
 * theirs done when the lock comes to them. A caller still returns only after the commit that
 * holds its work, so the durability contract is unchanged; what is saved is the commit itself
 * (the WAL's page writes, its locks), which a turn paid about ten times. The SQLite driver and
 * the pools do not batch transactions, so this is ours.
 *
 * <p>A work that fails is rolled back to its savepoint and fails alone; its neighbours commit.
 * If the transaction as a whole fails (the commit refused, or SQLite rolled everything back by
 * itself on a full disk), nothing of it was kept, and each work is run again alone, so that
 * every caller gets its own outcome. A work is therefore run at most twice, never kept twice.
 */
final class GroupCommit {
  /** The most works in one transaction: bounds how long the lock is held at once. */
  static final int MAX_BATCH = 64;

  /** What the group commit needs from the database, called under its lock. */
  interface Transactions {
    /** Runs one statement that takes no parameters and returns no rows. */
    void execute(String sql) throws SQLException;

    /** Runs {@code work} on the connection, inside the transaction already begun. */
    <T> T run(Work<T> work) throws SQLException;

    /** {@code e} as the store's failure of the work named {@code what}. */
    StoreException failure(String what, SQLException e);
  }

  private final ReentrantLock lock;
  private final Transactions db;
  private final Queue<Pending<?>> queued = new ConcurrentLinkedQueue<>();
  private long commits;

  GroupCommit(ReentrantLock lock, Transactions db) {
    this.lock = lock;
    this.db = db;
  }

  <T> T run(String what, Work<T> work) {
    Pending<T> mine = new Pending<>(what, work);
    queued.add(mine);
    lock.lock();
    try {
      while (!mine.finished) {
        runQueued();
      }
    } finally {
      lock.unlock();
    }
    return mine.outcome();
  }

  /** Commits made so far; for tests. Called under the lock. */
  long commits() {
    return commits;
  }

  /** Works waiting for the lock; for tests. */
  int waiting() {
    return queued.size();
  }

  private void runQueued() {
    List<Pending<?>> batch = new ArrayList<>();
    Pending<?> next;
    while (batch.size() < MAX_BATCH && (next = queued.poll()) != null) {
      batch.add(next);
    }
    if (batch.size() == 1) {
      runAlone(batch.getFirst());
    } else if (!batch.isEmpty()) {
      runTogether(batch);
    }
  }

  private void runTogether(List<Pending<?>> batch) {
    try {
      db.execute("BEGIN");
      for (Pending<?> p : batch) {
        runInSavepoint(p);
      }
      db.execute("COMMIT");
      commits++;
      batch.forEach(p -> p.finished = true);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      // nothing of the batch was kept: each goes again alone, and its outcome is its own
      for (Pending<?> p : batch) {
        p.clear();
        runAlone(p);
      }
    } catch (Error e) {
      rollbackQuietly(e);
      batch.forEach(p -> p.abandon(e));
      throw e;
    }
  }

  /**
   * Runs {@code p} between a savepoint and its release. Its own failure is rolled back to the
   * savepoint and kept as its outcome; a failure of that rollback (the transaction is gone)
   * propagates and fails the batch.
   */
  private <T> void runInSavepoint(Pending<T> p) throws SQLException {
    db.execute("SAVEPOINT work");
    T value;
    try {
      value = db.run(p.work);
    } catch (SQLException | RuntimeException e) {
      db.execute("ROLLBACK TO work");
      db.execute("RELEASE work");
      p.failed(e instanceof SQLException se ? db.failure(p.what, se) : (RuntimeException) e);
      return;
    }
    db.execute("RELEASE work");
    p.succeeded(value);
  }

  /** One work in a transaction of its own: the way every transaction ran before. */
  private <T> void runAlone(Pending<T> p) {
    try {
      db.execute("BEGIN");
      T value;
      try {
        value = db.run(p.work);
        db.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(e);
        throw e;
      }
      commits++;
      p.succeeded(value);
    } catch (SQLException e) {
      p.failed(db.failure(p.what, e));
    } catch (RuntimeException e) {
      p.failed(e);
    } catch (Error e) {
      rollbackQuietly(e);
      p.abandon(e);
      throw e;
    }
    p.finished = true;
  }

  /** A ROLLBACK that finds nothing to roll back (SQLite did it itself) changes nothing. */
  private void rollbackQuietly(Throwable cause) {
    try {
      db.execute("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      cause.addSuppressed(alreadyRolledBack);
    }
  }

  /** One caller's work and, once finished, its outcome. Touched only under the lock. */
  private static final class Pending<T> {
    final String what;
    final Work<T> work;

    @Nullable
    T value;

    @Nullable
    RuntimeException failure;

    boolean finished;

    Pending(String what, Work<T> work) {
      this.what = what;
      this.work = work;
    }

    void succeeded(T v) {
      value = v;
      failure = null;
    }

    void failed(RuntimeException e) {
      value = null;
      failure = e;
    }

    /**
     * Ends it with {@code e}, an error that stops the thread running the batch: the callers
     * waiting for this work must not wait for a run that will not come.
     */
    void abandon(Error e) {
      failed(new IllegalStateException("the transaction to " + what + " failed: " + e, e));
      finished = true;
    }

    void clear() {
      value = null;
      failure = null;
    }

    @SuppressWarnings("NullAway") // a work may return null, as Work allows
    T outcome() {
      if (failure != null) {
        throw failure;
      }
      return value;
    }
  }
}
