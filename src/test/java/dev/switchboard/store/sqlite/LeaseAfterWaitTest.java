package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Store;
import dev.switchboard.store.sql.SqlDatabase;
import dev.switchboard.store.sql.SqlStore;
import dev.switchboard.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease change that had to wait for the database (PostgreSQL away, a transaction run again)
 * is judged at the time it ran, not at the time it was asked for.
 */
class LeaseAfterWaitTest {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock();

  @Test
  void aRenewalThatWaitedPastTheLeaseDoesNotCountAsRenewed() {
    try (Store store =
        new SqlStore(new WaitingDatabase(SqliteDb.open(dir.resolve("s.db"))), clock)) {
      Leases leases = store.leases();
      Leases.Lease lease = leases.acquire("gateway", "a", TTL).orElseThrow();
      waiting = true;
      Optional<Leases.Lease> renewed = leases.renew(lease, TTL);
      // Before: the expiry was computed before the wait, so the renewal "succeeded" with an
      // expiry already 7 s past, and the gateway went on as if it held the lease.
      assertThat(renewed).isEmpty();
      waiting = false;
      assertThat(leases.acquire("gateway", "b", TTL)).hasValueSatisfying(l -> {
        assertThat(l.token()).isEqualTo(2);
        assertThat(l.expiresAt()).isAfter(clock.instant());
      });
    }
  }

  @Test
  void aRenewalThatWaitedWithinTheLeaseLastsTheWholeTtlFromWhenItRan() {
    try (Store store =
        new SqlStore(new WaitingDatabase(SqliteDb.open(dir.resolve("s.db"))), clock)) {
      Leases leases = store.leases();
      Leases.Lease lease = leases.acquire("gateway", "a", Duration.ofMinutes(1)).orElseThrow();
      waiting = true;
      Leases.Lease renewed = leases.renew(lease, TTL).orElseThrow();
      assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TTL));
      waiting = false;
      assertThat(leases.holds(renewed)).isTrue();
    }
  }

  private volatile boolean waiting;

  /** A database that, while {@link #waiting}, is reached only after {@link #OUTAGE}. */
  private final class WaitingDatabase implements SqlDatabase {
    private final SqlDatabase db;

    WaitingDatabase(SqlDatabase db) {
      this.db = db;
    }

    @Override
    public <T> T transaction(String what, Work<T> work) {
      if (waiting) {
        clock.advance(OUTAGE);
      }
      return db.transaction(what, work);
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
}
