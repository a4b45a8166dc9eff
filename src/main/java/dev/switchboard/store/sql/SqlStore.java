package dev.switchboard.store.sql;

import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Jobs;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import java.time.Clock;

/** A store whose parts are tables in a relational database (SQLite or PostgreSQL). */
public final class SqlStore implements Store {
  private final SqlDatabase db;
  private final InboundJournal journal;
  private final Outbox outbox;
  private final Cursors cursors;
  private final Conversations conversations;
  private final Pairings pairings;
  private final HomeChannels homeChannels;
  private final Jobs jobs;
  private final Leases leases;
  private final boolean shared;
  private final Fence fence;
  private final Clock clock;

  /** The store on {@code db}, migrated already, for this gateway alone. */
  public SqlStore(SqlDatabase db, Clock clock) {
    this(db, clock, false);
  }

  /**
   * The store on {@code db}, migrated already; closing the store closes it.
   *
   * @param shared whether other gateways can reach the database too (see {@link #shared()})
   */
  public SqlStore(SqlDatabase db, Clock clock, boolean shared) {
    this.db = db;
    this.clock = clock;
    this.shared = shared;
    this.fence = new Fence(clock, shared);
    this.journal = new SqlJournal(db, clock, fence);
    this.outbox = new SqlOutbox(db, clock, fence);
    this.cursors = new SqlCursors(db, fence);
    this.conversations = new SqlConversations(db, clock);
    this.pairings = new SqlPairings(db);
    this.homeChannels = new SqlHomeChannels(db, clock);
    this.jobs = new SqlJobs(db, clock);
    this.leases = new SqlLeases(db, clock);
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
  public Leases leases() {
    return leases;
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
  public PlatformRecords platformRecords(String platform) {
    return new SqlPlatformRecords(db, clock, fence, platform);
  }

  @Override
  public void fence(Leases.Lease lease) {
    fence.set(lease);
  }

  @Override
  public boolean shared() {
    return shared;
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
