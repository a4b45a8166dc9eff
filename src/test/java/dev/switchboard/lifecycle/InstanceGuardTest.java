package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Leases.Lease;
import dev.switchboard.store.StoreException;
import dev.switchboard.testing.InMemoryStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One gateway per shared database: who gets it, who waits, who is refused, who loses it. */
class InstanceGuardTest {
  private static final Duration TTL = Duration.ofSeconds(3);
  private final Leases leases = new InMemoryStore(Clock.systemUTC()).leases();

  @Test
  void theSameGatewayRestartedTakesItsHoldBackAtOnce() {
    try (InstanceGuard first = InstanceGuard.claim(leases, "host-a:/srv/sb", TTL)) {
      long t0 = System.nanoTime();
      try (InstanceGuard again = InstanceGuard.claim(leases, "host-a:/srv/sb", TTL)) {
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      }
    }
  }

  @Test
  void aGatewayThatStoppedRenewingIsWaitedOutThenReplaced() {
    leases.acquire(InstanceGuard.NAME, "host-a:/srv/sb", TTL).orElseThrow(); // then killed
    long t0 = System.nanoTime();
    try (InstanceGuard b = InstanceGuard.claim(leases, "host-b:/srv/sb", TTL)) {
      Duration waited = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(waited).isGreaterThan(TTL.minusMillis(600)).isLessThan(TTL.plusSeconds(2));
      assertThat(leases.all())
          .singleElement()
          .extracting(Lease::holder)
          .isEqualTo("host-b:/srv/sb");
    }
  }

  @Test
  void aGatewayThatKeepsRenewingIsNamedAndTheOtherRefused() {
    try (InstanceGuard a = InstanceGuard.claim(leases, "host-a:/srv/sb", TTL)) {
      a.keepRenewing(lease -> {}, () -> {});
      assertThatThrownBy(() -> InstanceGuard.claim(leases, "host-b:/srv/sb", TTL))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("host-a:/srv/sb")
          .hasMessageContaining("one gateway per database");
    }
  }

  @Test
  void aHolderWhoseLeaseWasTakenHearsOfItAtItsNextRenewal() throws Exception {
    try (InstanceGuard a = InstanceGuard.claim(leases, "host-a:/srv/sb", TTL)) {
      // as if a was paused past its lease: another gateway took the database (before a's
      // renewals start, so that none of them can take it back first)
      leases.release(a.lease());
      leases.acquire(InstanceGuard.NAME, "host-b:/srv/sb", TTL).orElseThrow();
      CountDownLatch lost = new CountDownLatch(1);
      a.keepRenewing(lease -> {}, lost::countDown);
      assertThat(lost.await(TTL.toSeconds() + 2, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aHoldThatRanOutWhileNobodyTookItIsTakenAgainAndFencedAnew() throws Exception {
    try (InstanceGuard a = InstanceGuard.claim(leases, "host-a:/srv/sb", TTL)) {
      long token = a.lease().token();
      CountDownLatch refenced = new CountDownLatch(1);
      AtomicReference<Lease> fence = new AtomicReference<>();
      AtomicBoolean lost = new AtomicBoolean();
      a.keepRenewing(
          lease -> {
            fence.set(lease);
            refenced.countDown();
          },
          () -> lost.set(true));
      // the database was away longer than the lease: it ran out, and nobody took it
      leases.release(a.lease());
      assertThat(refenced.await(TTL.toSeconds() + 2, TimeUnit.SECONDS)).isTrue();
      assertThat(fence.get().token()).isGreaterThan(token);
      assertThat(leases.holds(fence.get())).isTrue();
      assertThat(lost).isFalse();
    }
  }

  @Test
  void theHolderIsNamedByHostAndStateDirectory() {
    assertThat(InstanceGuard.holder(Path.of("/srv/sb/../sb"), Map.of("HOSTNAME", "node-1")))
        .isEqualTo("node-1:/srv/sb");
    assertThat(InstanceGuard.holder(Path.of("/srv/sb"), Map.of())).endsWith(":/srv/sb");
  }
}
