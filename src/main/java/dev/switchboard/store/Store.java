package dev.switchboard.store;

import dev.switchboard.platform.PlatformRecords;

/**
 * Everything the gateway keeps across restarts. One per state directory; implementations live
 * in subpackages (SQLite embedded by default) and are found by the runtime, never named by
 * the core.
 */
public interface Store extends AutoCloseable {
  InboundJournal journal();

  Outbox outbox();

  Cursors cursors();

  Conversations conversations();

  Pairings pairings();

  HomeChannels homeChannels();

  Jobs jobs();

  Leases leases();

  /**
   * The records {@code platform} keeps for itself in this store ({@link PlatformRecords}); used
   * only when the store is {@link #shared}: a gateway alone keeps them in its state directory.
   */
  PlatformRecords platformRecords(String platform);

  /**
   * Whether other gateways can reach this store at the same time (a database server, not a
   * file of the state directory), so that the gateway must hold a lease on it.
   */
  default boolean shared() {
    return false;
  }

  /**
   * From now on, journal acknowledgements ({@link InboundJournal#record}) and outbox sends
   * ({@link Outbox#markSending}) are refused with a {@link StoreException} unless {@code lease}
   * is still held (renewed, with the same token): a gateway that lost its shared store to
   * another must neither acknowledge nor send. A store only this gateway reaches has nothing
   * to fence. A shared store refuses those writes until its first lease is set: a gateway that
   * has not taken the lease yet stands by.
   */
  default void fence(Leases.Lease lease) {}

  /** Bytes the store takes on disk now (for SQLite: the database and its WAL); 0 if none. */
  long bytesOnDisk();

  /**
   * Gives the space that pruning freed back to the file system, in steps short enough not to
   * hold up the messages being handled meanwhile. A store that keeps nothing on disk has
   * nothing to give back.
   */
  void compact();

  @Override
  void close();
}
