package dev.switchboard.lifecycle;

import static dev.switchboard.testing.Latches.awaitUninterruptibly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Leases.Lease;
import dev.switchboard.testing.InMemoryStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which gateway on a shared database is active: who takes it, who stands by, who loses it. */
class GatewayLeaseTest {
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final AdvertisedAddress ANYWHERE = new AdvertisedAddress(null, "test-host");
  private final Leases leases = new InMemoryStore(Clock.systemUTC()).leases();
  private final List<Lease> fenced = new CopyOnWriteArrayList<>();

  private GatewayLease lease(String holder, Duration ttl) {
    return new GatewayLease(leases, holder, ttl, fenced::add, ANYWHERE, Clock.systemUTC());
  }

  /** Awaits the lease on a thread of its own; the future ends when it is taken. */
  private static CompletableFuture<Lease> standBy(GatewayLease l, List<String> heard) {
    CompletableFuture<Lease> taken = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        taken.complete(l.await(heard::add));
      } catch (InterruptedException | RuntimeException e) {
        taken.completeExceptionally(e);
      }
    });
    return taken;
  }

  @Test
  void theSameGatewayRestartedTakesItsLeaseBackAtOnce() throws Exception {
    leases.acquire(GatewayLease.NAME, "host-a:/srv/sb", TTL).orElseThrow(); // then restarted
    List<String> heard = new CopyOnWriteArrayList<>();
    try (GatewayLease again = lease("host-a:/srv/sb", Duration.ofMinutes(1))) {
      Lease l = again.await(heard::add);
      assertThat(heard).as("no standby for its own lease").isEmpty();
      assertThat(again.held()).isTrue();
      assertThat(fenced).containsExactly(l);
    }
  }

  @Test
  void aStandbyForwardsToTheAddressTheActiveOneAdvertisedUntilItTakesOver() throws Exception {
    AdvertisedAddress everyInterface = new AdvertisedAddress(null, "node-a.internal");
    try (GatewayLease a = new GatewayLease(
            leases, "host-a:/srv/sb", TTL, fenced::add, everyInterface, Clock.systemUTC());
        GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      a.await(h -> {});
      a.advertise(new InetSocketAddress("0.0.0.0", 8642));
      a.keepRenewing(() -> {});
      assertThat(a.forwardTarget()).as("the active one serves itself").isEmpty();
      CompletableFuture<Lease> taken = standBy(b, new CopyOnWriteArrayList<>());
      await().atMost(Duration.ofSeconds(5)).until(() -> b.forwardTarget().isPresent());
      assertThat(b.forwardTarget()).contains(URI.create("http://node-a.internal:8642"));

      a.close(); // gives the lease up
      taken.get(5, TimeUnit.SECONDS);
      assertThat(b.forwardTarget()).isEmpty();
    }
  }

  @Test
  void aConfiguredAddressWithoutAPortIsForwardedTo() throws Exception {
    URI configured = URI.create("https://gw-a.example.org");
    try (GatewayLease a = new GatewayLease(
            leases,
            "host-a:/srv/sb",
            TTL,
            fenced::add,
            new AdvertisedAddress(configured, "h"),
            Clock.systemUTC());
        GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      a.await(h -> {});
      a.advertise(new InetSocketAddress("0.0.0.0", 8642));
      a.keepRenewing(() -> {});
      var _ = standBy(b, new CopyOnWriteArrayList<>());
      await().atMost(Duration.ofSeconds(5)).until(() -> b.forwardTarget().isPresent());
      assertThat(b.forwardTarget()).contains(configured);
    }
  }

  @Test
  void anAdvertisedAddressIsTheConfiguredOneOrWhereTheServerListens() {
    URI configured = URI.create("https://gw-1.example.org");
    assertThat(new AdvertisedAddress(configured, "h").of(new InetSocketAddress("0.0.0.0", 1)))
        .isEqualTo(configured);
    assertThat(new AdvertisedAddress(null, "h").of(new InetSocketAddress("10.1.2.3", 8642)))
        .isEqualTo(URI.create("http://10.1.2.3:8642"));
    assertThat(new AdvertisedAddress(null, "h").of(new InetSocketAddress("::1", 8642)))
        .isEqualTo(URI.create("http://[0:0:0:0:0:0:0:1]:8642"));
  }

  @Test
  void aStandbyTakesOverWithinTheTimeToLiveOfAHolderThatStoppedRenewing() throws Exception {
    Lease dead = leases.acquire(GatewayLease.NAME, "host-a:/srv/sb", TTL).orElseThrow();
    List<String> heard = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    try (GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      assertThat(b.held()).isFalse();
      Lease taken = b.await(heard::add);
      Duration waited = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(waited).isGreaterThan(TTL.minusMillis(300)).isLessThan(TTL.plusMillis(800));
      assertThat(heard).containsExactly("host-a:/srv/sb");
      assertThat(taken.token()).isGreaterThan(dead.token());
      assertThat(b.held()).isTrue();
      assertThat(fenced).containsExactly(taken);
    }
  }

  @Test
  void aStandbyWaitsForAsLongAsTheActiveOneRenews() throws Exception {
    try (GatewayLease a = lease("host-a:/srv/sb", TTL);
        GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      a.await(h -> {});
      a.keepRenewing(() -> {});
      List<String> heard = new CopyOnWriteArrayList<>();
      CompletableFuture<Lease> taken = standBy(b, heard);
      await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(4)).until(() -> !taken.isDone());
      assertThat(heard).containsExactly("host-a:/srv/sb");
      assertThat(b.held()).isFalse();

      long t0 = System.nanoTime();
      a.close(); // a stop: it gives the lease up, so b need not wait for it to lapse
      Lease l = taken.get(TTL.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isLessThan(GatewayLease.POLL.multipliedBy(3));
      assertThat(l.holder()).isEqualTo("host-b:/srv/sb");
      assertThat(a.held()).isFalse();
    }
  }

  @Test
  void aStopWhileStandingByEndsTheWait() throws Exception {
    leases.acquire(GatewayLease.NAME, "host-a:/srv/sb", Duration.ofMinutes(1)).orElseThrow();
    try (GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      CountDownLatch standing = new CountDownLatch(1);
      AtomicReference<Throwable> ended = new AtomicReference<>();
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          b.await(h -> standing.countDown());
        } catch (InterruptedException e) {
          ended.set(e);
        }
      });
      assertThat(standing.await(5, TimeUnit.SECONDS)).isTrue();
      t.interrupt();
      t.join(Duration.ofSeconds(5));
      assertThat(ended.get()).isInstanceOf(InterruptedException.class);
      assertThat(fenced).isEmpty();
    }
  }

  @Test
  void aHolderWhoseLeaseWasTakenHearsOfItAtItsNextRenewal() throws Exception {
    try (GatewayLease a = lease("host-a:/srv/sb", TTL)) {
      Lease mine = a.await(h -> {});
      // as if a was paused past its lease: another gateway took the database (before a's
      // renewals start, so that none of them can take it back first)
      leases.release(mine);
      leases.acquire(GatewayLease.NAME, "host-b:/srv/sb", Duration.ofMinutes(1)).orElseThrow();
      CountDownLatch lost = new CountDownLatch(1);
      a.keepRenewing(lost::countDown);
      assertThat(lost.await(TTL.toSeconds() + 2, TimeUnit.SECONDS)).isTrue();
      assertThat(a.held()).isFalse();
    }
    // and its close gives nothing up: the lease is b's
    assertThat(leases.all())
        .filteredOn(l -> l.name().equals(GatewayLease.NAME))
        .singleElement()
        .extracting(Lease::holder)
        .isEqualTo("host-b:/srv/sb");
  }

  @Test
  void aLeaseThatRanOutWhileNobodyTookItIsTakenAgainAndFencedAnew() throws Exception {
    try (GatewayLease a = lease("host-a:/srv/sb", TTL)) {
      Lease first = a.await(h -> {});
      AtomicBoolean lost = new AtomicBoolean();
      a.keepRenewing(() -> lost.set(true));
      // the database was away longer than the lease: it ran out, and nobody took it
      leases.release(first);
      await().atMost(TTL.plusSeconds(2)).until(() -> fenced.size() == 2);
      assertThat(fenced.get(1).token()).isGreaterThan(first.token());
      assertThat(leases.holds(fenced.get(1))).isTrue();
      assertThat(lost).isFalse();
      assertThat(a.held()).isTrue();
    }
  }

  @Test
  void aRetakeThatEndsAfterTheStopGaveTheLeaseUpGivesItUpAgain() throws Exception {
    CountDownLatch inRetake = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    AtomicBoolean blockRetake = new AtomicBoolean();
    Leases slow = new Leases() {
      @Override
      public Optional<Lease> acquire(String name, String holder, Duration time) {
        if (blockRetake.getAndSet(false)) {
          inRetake.countDown();
          awaitUninterruptibly(goOn);
        }
        return leases.acquire(name, holder, time);
      }

      @Override
      public Optional<Lease> renew(Lease lease, Duration time) {
        return leases.renew(lease, time);
      }

      @Override
      public void release(Lease lease) {
        leases.release(lease);
      }

      @Override
      public boolean holds(Lease lease) {
        return leases.holds(lease);
      }

      @Override
      public List<Lease> all() {
        return leases.all();
      }

      @Override
      public void advertise(String holder, String address) {
        leases.advertise(holder, address);
      }

      @Override
      public Optional<String> address(String holder) {
        return leases.address(holder);
      }
    };
    Duration ttl = Duration.ofSeconds(2);
    GatewayLease a =
        new GatewayLease(slow, "host-a:/srv/sb", ttl, fenced::add, ANYWHERE, Clock.systemUTC());
    Lease first = a.await(h -> {});
    AtomicBoolean lost = new AtomicBoolean();
    // the database was away: the lease ran out, and the renewal's retake waits for it
    blockRetake.set(true);
    leases.release(first);
    a.keepRenewing(() -> lost.set(true));
    assertThat(inRetake.await(ttl.toSeconds() + 2, TimeUnit.SECONDS)).isTrue();
    // the stop gives up waiting for that renewal (after the lease's time) and goes on
    a.close();
    goOn.countDown();
    // the retake went through after the stop: it must not keep the lease from a standby for
    // its whole time to live
    await()
        .atMost(ttl.dividedBy(2))
        .untilAsserted(() ->
            assertThat(leases.acquire(GatewayLease.NAME, "host-b:/srv/sb", TTL)).isPresent());
    assertThat(lost).isFalse();
  }

  @Test
  void aLeaseThatAnotherTookAndLetLapseMeanwhileIsLostNotTakenAgain() throws Exception {
    try (GatewayLease a = lease("host-a:/srv/sb", TTL)) {
      Lease first = a.await(h -> {});
      // a was paused: b took the lease (and may have acted), then b died too
      leases.release(first);
      Lease b = leases.acquire(GatewayLease.NAME, "host-b:/srv/sb", TTL).orElseThrow();
      leases.release(b);
      CountDownLatch lost = new CountDownLatch(1);
      a.keepRenewing(lost::countDown);
      assertThat(lost.await(TTL.toSeconds() + 2, TimeUnit.SECONDS)).isTrue();
      assertThat(a.held()).isFalse();
      assertThat(fenced).containsExactly(first);
    }
  }

  @Test
  void everyGatewayActiveOrStandingByIsPresentUntilItStops() throws Exception {
    try (GatewayLease a = lease("host-a:/srv/sb", TTL);
        GatewayLease b = lease("host-b:/srv/sb", TTL)) {
      a.await(h -> {});
      CompletableFuture<Lease> taken = standBy(b, new CopyOnWriteArrayList<>());
      await().atMost(TTL.multipliedBy(3)).until(() -> present().size() == 2);
      assertThat(present()).containsExactly("host-a:/srv/sb", "host-b:/srv/sb");
      // renewed: still there after several times to live
      await()
          .during(TTL.multipliedBy(2))
          .atMost(TTL.multipliedBy(3))
          .until(() -> present().size() == 2);
      a.close();
      taken.get(TTL.toMillis() * 2, TimeUnit.MILLISECONDS);
      assertThat(present()).containsExactly("host-b:/srv/sb");
    }
    assertThat(present()).isEmpty();
  }

  /** The holders of live presence leases, sorted. */
  private List<String> present() {
    return leases.all().stream()
        .filter(l -> l.name().startsWith(GatewayLease.PRESENCE_PREFIX))
        .filter(l -> l.expiresAt().isAfter(Instant.now()))
        .map(Lease::holder)
        .sorted()
        .toList();
  }

  @Test
  void theHolderIsNamedByHostAndStateDirectory() {
    assertThat(GatewayLease.holder(Path.of("/srv/sb/../sb"), Map.of("HOSTNAME", "node-1")))
        .isEqualTo("node-1:/srv/sb");
    assertThat(GatewayLease.holder(Path.of("/srv/sb"), Map.of())).endsWith(":/srv/sb");
  }
}
