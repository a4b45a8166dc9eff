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
  private volatile @Nullable Lease lease;

  Fence(Clock clock) {
    this.clock = clock;
  }

  void set(Lease lease) {
    this.lease = lease;
  }

  /** Throws when writes are fenced by a lease this gateway no longer holds. */
  void check(Connection c) throws SQLException {
    Lease l = lease;
    if (l == null) {
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
