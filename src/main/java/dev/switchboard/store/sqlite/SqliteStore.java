package dev.switchboard.store.sqlite;

import dev.switchboard.store.Store;
import dev.switchboard.store.sql.SqlStore;
import java.nio.file.Path;
import java.time.Clock;

/** The embedded store: one SQLite file in the state directory. */
public final class SqliteStore {
  private SqliteStore() {}

  /** Opens (creating or migrating as needed) the database in {@code file}. */
  public static Store open(Path file, Clock clock) {
    return new SqlStore(SqliteDb.open(file), clock);
  }

  /** As {@link #open(Path, Clock)}, switching an older database only up to {@code switchUpTo}. */
  static Store open(Path file, Clock clock, long switchUpTo) {
    return new SqlStore(SqliteDb.open(file, switchUpTo), clock);
  }
}
