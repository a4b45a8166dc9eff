package dev.switchboard.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.core.CoreStatement;

/**
 * The SQLite connection's prepared statements, kept for reuse. The store's parts prepare each
 * statement anew and close it (plain JDBC, which PostgreSQL's driver caches by itself); the
 * xerial driver has no such cache, and preparing and finalizing cost about 7 % of a busy
 * gateway's CPU (three statements per transaction, with {@code BEGIN} and {@code COMMIT}). A
 * pool (HikariCP) caches no statements either, so this is ours: the parts get a {@link
 * #connection()} whose {@code prepareStatement(String)} lends a kept statement, and whose
 * {@code close()} gives it back with its result closed and its parameters cleared.
 *
 * <p>Used only under {@link SqliteDb}'s lock, like the connection itself. A statement already
 * lent (the same SQL prepared again before the first was closed) is prepared anew and closed as
 * usual, so a lent statement is never reset under its reader. At most {@value #CAPACITY}
 * statements are kept, the least recently used closed first.
 */
final class StatementCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatementCache.class);
  static final int CAPACITY = 64;

  private final Connection connection;
  private final Connection lending;
  /** The kept statements lent since the last {@link #takeBackAll}. */
  private final List<Kept> lentNow = new ArrayList<>();

  private final Map<String, Kept> kept = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
      if (size() <= CAPACITY || eldest.getValue().lent) {
        return false; // one lent now is closed only after it is given back, by a later put
      }
      closeQuietly(eldest.getValue().statement);
      return true;
    }
  };

  StatementCache(Connection connection) {
    this.connection = connection;
    this.lending = proxy(Connection.class, (p, m, args) -> {
      if (m.getName().equals("prepareStatement")
          && args != null
          && args.length == 1
          && args[0] instanceof String sql) {
        return lend(sql);
      }
      return call(connection, m, args);
    });
  }

  /** The connection to give the store's parts: the real one, lending kept statements. */
  Connection connection() {
    return lending;
  }

  /** Lends the kept statement for {@code sql}, preparing it the first time. */
  PreparedStatement lend(String sql) throws SQLException {
    Kept k = keptFor(sql);
    if (k.lent) {
      return connection.prepareStatement(sql);
    }
    k.lent = true;
    lentNow.add(k);
    return k.lending;
  }

  /**
   * Runs {@code sql}, which takes no parameters and returns no rows ({@code BEGIN}, {@code
   * COMMIT}), on its kept statement: nothing to lend, so no face to go through.
   */
  void execute(String sql) throws SQLException {
    Kept k = keptFor(sql);
    if (k.lent) {
      throw new IllegalStateException("statement lent while it runs: " + sql);
    }
    k.statement.execute();
  }

  private Kept keptFor(String sql) throws SQLException {
    Kept k = kept.get(sql);
    if (k != null && finalized(k.statement)) {
      kept.remove(sql);
      k = null;
    }
    if (k == null) {
      k = new Kept(connection.prepareStatement(sql));
      kept.put(sql, k);
    }
    return k;
  }

  /**
   * Takes back every statement still lent, closing its result: called when a transaction's work
   * returns, so that none stays busy past its {@code COMMIT} even if a part forgot to close it.
   */
  void takeBackAll() {
    for (Kept k : lentNow) {
      if (k.lent) {
        try {
          k.takeBack();
        } catch (SQLException e) {
          log.debug("taking back a statement", e);
        }
      }
    }
    lentNow.clear();
  }

  /**
   * Whether the driver has let go of the statement: on most errors (SQLITE_ERROR, SQLITE_FULL,
   * SQLITE_IOERR) xerial finalizes the failed statement without marking it closed, and every
   * later use fails with "statement is not executing". Such a statement is prepared anew.
   */
  private static boolean finalized(PreparedStatement s) throws SQLException {
    return s.isClosed() || (s instanceof CoreStatement cs && cs.pointer.isClosed());
  }

  /** How many statements are kept; for tests. */
  int size() {
    return kept.size();
  }

  @Override
  public void close() {
    List<Kept> all = new ArrayList<>(kept.values());
    kept.clear();
    lentNow.clear();
    all.forEach(k -> closeQuietly(k.statement));
  }

  private static void closeQuietly(PreparedStatement s) {
    try {
      s.close();
    } catch (SQLException e) {
      log.debug("closing a kept statement", e);
    }
  }

  /** A kept statement and the face it is lent with. */
  private static final class Kept {
    final PreparedStatement statement;
    final PreparedStatement lending;
    boolean lent;

    @Nullable
    ResultSet result;

    Kept(PreparedStatement statement) {
      this.statement = statement;
      this.lending = proxy(PreparedStatement.class, this::onLent);
    }

    private @Nullable Object onLent(Object proxy, Method m, @Nullable Object[] args)
        throws Throwable {
      boolean noArgs = args == null || args.length == 0;
      if (noArgs && m.getName().equals("close")) {
        if (lent) {
          takeBack();
        }
        return null;
      }
      if (noArgs && m.getName().equals("isClosed")) {
        return !lent;
      }
      if (!lent) {
        throw new SQLException("statement used after it was closed");
      }
      Object r = call(statement, m, args);
      if (noArgs && r instanceof ResultSet rs) {
        result = rs; // from executeQuery or getResultSet: closed when the statement is given back
      }
      return r;
    }

    /** Closes the result (which resets the statement) and clears the parameters. */
    void takeBack() throws SQLException {
      lent = false;
      ResultSet r = result;
      result = null;
      if (r != null) {
        r.close();
      }
      if (!finalized(statement)) {
        statement.clearParameters();
      }
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(
        StatementCache.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static @Nullable Object call(Object target, Method m, @Nullable Object[] args)
      throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
