package dev.switchboard.store.sqlite;

import dev.switchboard.store.Conversations;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Jobs;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import java.nio.file.Path;
import java.time.Clock;

/** The embedded store: one SQLite file in the state directory. */
public final class SqliteStore implements Store {
  private final SqliteDb db;
  private final InboundJournal journal;
  private final Outbox outbox;
  private final Cursors cursors;
  private final Conversations conversations;
  private final Pairings pairings;
  private final HomeChannels homeChannels;
  private final Jobs jobs;

  private SqliteStore(SqliteDb db, Clock clock) {
    this.db = db;
    this.journal = new SqliteJournal(db, clock);
    this.outbox = new SqliteOutbox(db, clock);
    this.cursors = new SqliteCursors(db);
    this.conversations = new SqliteConversations(db, clock);
    this.pairings = new SqlitePairings(db);
    this.homeChannels = new SqliteHomeChannels(db, clock);
    this.jobs = new SqliteJobs(db, clock);
  }

  /** Opens (creating or migrating as needed) the database in {@code file}. */
  public static SqliteStore open(Path file, Clock clock) {
    return new SqliteStore(SqliteDb.open(file), clock);
  }

  /** As {@link #open(Path, Clock)}, switching an older database only up to {@code switchUpTo}. */
  static SqliteStore open(Path file, Clock clock, long switchUpTo) {
    return new SqliteStore(SqliteDb.open(file, switchUpTo), clock);
  }

  @Override
  public InboundJournal journal() {
    return journal;
  }

  @Override
  public Outbox outbox() {
    return outbox;
  }

  @Override
  public Cursors cursors() {
    return cursors;
  }

  @Override
  public HomeChannels homeChannels() {
    return homeChannels;
  }

  @Override
  public Jobs jobs() {
    return jobs;
  }

  @Override
  public Conversations conversations() {
    return conversations;
  }

  @Override
  public Pairings pairings() {
    return pairings;
  }

  @Override
  public long bytesOnDisk() {
    return db.bytesOnDisk();
  }

  @Override
  public void compact() {
    db.compact();
  }

  @Override
  public void close() {
    db.close();
  }
}
