package dev.switchboard.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Leases on named things (a platform's credential) among the gateway instances that share one
 * store: one holder at a time, for a time to live that the holder renews. Each time a lease is
 * taken anew its fencing token grows, so a write made in a holder's name can be refused once
 * another instance took the lease over: a holder that was paused (a long GC, SIGSTOP, a network
 * stall) past its lease does not know it lost it until it asks.
 *
 * <p>A row in the store rather than a PostgreSQL advisory lock: a lock lives as long as its
 * connection, and a stopped process's connection stays open (its kernel still answers), so the
 * lock would never pass to another instance; a lease ends by the clock.
 *
 * <p>Times come from the store's clock: instances sharing a database must keep their clocks in
 * step (NTP) to well within the time to live.
 */
public interface Leases {
  /** A lease as held: by whom, under which fencing token, until when. */
  record Lease(String name, String holder, long token, Instant expiresAt) {}

  /**
   * Takes the lease for {@code holder} when nobody holds it or its holder let it expire (a new,
   * larger token), or renews it when {@code holder} holds it already (the same token); empty
   * while another holder's lease runs.
   */
  Optional<Lease> acquire(String name, String holder, Duration ttl);

  /**
   * Extends the lease by {@code ttl} from now if it is still held as {@code lease} says and has
   * not expired; empty when it was lost (then the holder must stop acting on it).
   */
  Optional<Lease> renew(Lease lease, Duration ttl);

  /** Ends the lease now if it is still held as {@code lease} says, so another can take it. */
  void release(Lease lease);

  /** Whether the lease is still held as {@code lease} says and has not expired. */
  boolean holds(Lease lease);

  /** Every lease on record, expired or not, by name. */
  List<Lease> all();

  /**
   * Records where the other instances reach {@code holder}'s HTTP server (a URL): a standby
   * forwards the requests it cannot serve to the active instance found here. Replaces what
   * {@code holder} advertised before.
   */
  void advertise(String holder, String address);

  /** What {@code holder} last {@linkplain #advertise advertised}; empty if it never did. */
  Optional<String> address(String holder);
}
