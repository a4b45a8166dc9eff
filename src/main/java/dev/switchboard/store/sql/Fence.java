package dev.switchboard.store.sql;

import dev.switchboard.store.Leases.Lease;
import dev.switchboard.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The lease writes are made in the name of, checked inside the transaction that writes: once the
 * lease passed to another gateway (this one was paused past it), a journal acknowledgement or an
 * outbox send is refused instead of made twice. PostgreSQL's SERIALIZABLE transactions make the
 * check and the write one step against a takeover running at the same time.
 */
final class Fence {
  private final Clock clock;
  private final boolean closedUntilSet;
  private volatile @Nullable Lease lease;

  /**
   * @param closedUntilSet refuse every fenced write until a lease is set: a gateway on a shared
   *     database that does not hold it yet is standing by, and must not act
   */
  Fence(Clock clock, boolean closedUntilSet) {
    this.clock = clock;
    this.closedUntilSet = closedUntilSet;
  }

  void set(Lease lease) {
    this.lease = lease;
  }

  /** Throws when writes are fenced by a lease this gateway no longer holds. */
  void check(Connection c) throws SQLException {
    Lease l = lease;
    if (l == null) {
      if (closedUntilSet) {
        throw new StoreException(
            "this gateway does not hold the database's lease yet (it is standing by), so"
                + " nothing is written or sent in its name",
            null);
      }
      return;
    }
    if (!SqlLeases.held(c, l, clock.millis())) {
      throw new StoreException(
          "this gateway no longer holds the lease '" + l.name()
              + "' (token " + l.token() + "): another gateway took over, so nothing is written"
              + " or sent in this one's name",
          null);
    }
  }
}
