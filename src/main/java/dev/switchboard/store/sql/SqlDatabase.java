package dev.switchboard.store.sql;

import dev.switchboard.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A relational database the store's parts run their SQL on. The parts write SQL that SQLite
 * (3.35 or later) and PostgreSQL both take ({@code ON CONFLICT}, {@code RETURNING}, no JSON
 * functions); what differs between the two (connections, transactions, what to do when the
 * database is away, the space it takes) is the implementation's.
 */
public interface SqlDatabase extends AutoCloseable {

  /** Work done in a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction, as if no other transaction ran meanwhile; rolled back
   * if it throws. Failures come out as {@link StoreException} naming {@code what}.
   */
  <T> T transaction(String what, Work<T> work);

  /**
   * Runs one statement in a transaction of its own.
   *
   * @return the number of rows the statement changed
   */
  default int update(String what, String sql, @Nullable Object... args) {
    return transaction(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  /** Bytes the database takes now; 0 where that is not ours to count. */
  long bytesOnDisk();

  /** Gives space freed by pruning back, where the database does not do so itself. */
  void compact();

  @Override
  void close();

  /**
   * Binds {@code args} in order. A NUL character in a string becomes U+FFFD: PostgreSQL refuses
   * NUL in text at all, and a message must not fail to be journaled (and so be lost) over a
   * control character no chat shows; SQLite gets the same text so that both stores keep alike.
   */
  static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      ps.setObject(
          i + 1, a instanceof String s && s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : a);
    }
  }
}
