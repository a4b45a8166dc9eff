package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Leases.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@link Leases}: one holder at a time until its lease runs out, a larger fencing token each
 * time the lease is taken anew, and a former holder that can no longer act in the lease's name.
 */
abstract class LeasesContract extends StorePartContract {
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final String TELEGRAM = "platform:telegram:4f1c";

  private Leases leases() {
    return store.leases();
  }

  @Test
  void aFreeLeaseIsTakenAndAnotherHolderIsRefusedWhileItRuns() {
    Lease a = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    assertThat(a.token()).isEqualTo(1);
    assertThat(a.expiresAt()).isEqualTo(T0.plus(TTL));
    assertThat(leases().holds(a)).isTrue();

    clock.advance(TTL.minusMillis(1));
    assertThat(leases().acquire(TELEGRAM, "gw-b", TTL)).isEmpty();
    assertThat(leases().acquire("platform:slack:9a", "gw-b", TTL)).isPresent();
  }

  @Test
  void anAddressIsRecordedPerHolderAndTheLatestWins() {
    assertThat(leases().address("gw-a")).isEmpty();
    leases().advertise("gw-a", "http://10.0.0.7:8642");
    leases().advertise("gw-b", "http://10.0.0.8:8642");
    leases().advertise("gw-a", "http://10.0.0.9:8642");
    assertThat(leases().address("gw-a")).contains("http://10.0.0.9:8642");
    assertThat(leases().address("gw-b")).contains("http://10.0.0.8:8642");
  }

  @Test
  void theHolderTakingItAgainKeepsItsToken() {
    Lease a = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    clock.advance(Duration.ofSeconds(2));
    Lease again = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    assertThat(again.token()).isEqualTo(a.token());
    assertThat(again.expiresAt()).isEqualTo(clock.instant().plus(TTL));
  }

  @Test
  void anExpiredLeasePassesOnWithALargerTokenAndFencesTheFormerHolder() {
    Lease a = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    clock.advance(TTL); // a's holder was paused: it did not renew
    assertThat(leases().holds(a)).isFalse();

    Lease b = leases().acquire(TELEGRAM, "gw-b", TTL).orElseThrow();
    assertThat(b.token()).isGreaterThan(a.token());
    assertThat(leases().holds(b)).isTrue();

    // a wakes up: it can neither renew, nor act, nor end b's lease
    assertThat(leases().renew(a, TTL)).isEmpty();
    assertThat(leases().holds(a)).isFalse();
    leases().release(a);
    assertThat(leases().holds(b)).isTrue();
    assertThat(leases().acquire(TELEGRAM, "gw-a", TTL)).isEmpty();
  }

  @Test
  void aRenewedLeaseRunsFromTheRenewalAndAnExpiredOneCannotBeRenewed() {
    Lease a = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    clock.advance(Duration.ofSeconds(4));
    Lease renewed = leases().renew(a, TTL).orElseThrow();
    assertThat(renewed.token()).isEqualTo(a.token());
    assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    clock.advance(Duration.ofSeconds(4));
    assertThat(leases().holds(renewed)).isTrue();
    assertThat(leases().acquire(TELEGRAM, "gw-b", TTL)).isEmpty();

    clock.advance(TTL);
    assertThat(leases().renew(renewed, TTL)).isEmpty();
    Lease retaken = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    assertThat(retaken.token()).isGreaterThan(a.token());
  }

  @Test
  void aReleasedLeaseIsFreeAtOnce() {
    Lease a = leases().acquire(TELEGRAM, "gw-a", TTL).orElseThrow();
    leases().release(a);
    assertThat(leases().holds(a)).isFalse();
    Lease b = leases().acquire(TELEGRAM, "gw-b", TTL).orElseThrow();
    assertThat(b.token()).isGreaterThan(a.token());
    assertThat(leases().all())
        .singleElement()
        .satisfies(l -> assertThat(l.holder()).isEqualTo("gw-b"));
  }

  @Test
  void instancesRacingForAFreeLeaseGiveItToExactlyOne() throws Exception {
    ConcurrentLinkedQueue<Lease> won = new ConcurrentLinkedQueue<>();
    runTogether(8, n -> {
      Optional<Lease> got = leases().acquire(TELEGRAM, "gw-" + n, TTL);
      got.ifPresent(won::add);
    });
    assertThat(won).hasSize(1);
    assertThat(leases().holds(won.peek())).isTrue();
  }
}
