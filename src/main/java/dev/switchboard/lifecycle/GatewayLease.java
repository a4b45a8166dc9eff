package dev.switchboard.lifecycle;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Leases.Lease;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the gateways on one shared database is the active one: the holder of the lease
 * {@value #NAME}, renewed every third of its time to live. The others stand by and poll it;
 * when the holder dies its lease lapses and one of them takes it, with a larger fencing token,
 * and starts where the journal says the holder stopped. A holder stopped on purpose gives its
 * lease up, so a standby takes over at once.
 *
 * <p>Two active gateways on one journal would each answer the other's unfinished messages, so
 * the platforms are not shared out among instances: the active one runs them all.
 *
 * <p>The holder is named by its host and state directory, so a restart of the same gateway
 * (under a supervisor that restarts it at once) takes its own lease back without waiting.
 */
final class GatewayLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayLease.class);
  static final String NAME = "gateway";
  /**
   * Every gateway, active or standing by, also holds the lease {@code instance:<holder>} while it
   * runs: how {@code status} lists the gateways on a database (standbys hold nothing else).
   */
  static final String PRESENCE_PREFIX = "instance:";
  /** How often a standby looks at the lease: a quarter second of a takeover's seconds. */
  static final Duration POLL = Duration.ofMillis(250);

  private final Leases leases;
  private final String holder;
  private final Duration ttl;
  private final Consumer<Lease> fenceWith;
  private final ScheduledExecutorService renewer;
  private final AdvertisedAddress addressing;
  private final Clock clock;
  private volatile @Nullable URI address;
  private volatile boolean advertised;
  /** While standing by: where the active gateway said it can be reached, if it did. */
  private volatile @Nullable URI activeAddress;

  private volatile @Nullable Lease lease;
  private volatile @Nullable Lease presence;
  private volatile boolean lost;
  /** Set by {@link #close}: a renewal still running must not take the lease back after it. */
  private volatile boolean closed;

  /**
   * @param fenceWith given every lease this gateway takes, before it acts in its name
   * @param addressing where the others reach this gateway's HTTP server, once it listens
   * @param clock the store's, which the leases' times are on
   */
  GatewayLease(
      Leases leases,
      String holder,
      Duration ttl,
      Consumer<Lease> fenceWith,
      AdvertisedAddress addressing,
      Clock clock) {
    this.addressing = addressing;
    this.clock = clock;
    this.leases = leases;
    this.holder = holder;
    this.ttl = ttl;
    this.fenceWith = fenceWith;
    this.renewer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("gateway lease").factory());
  }

  /**
   * Returns once this gateway holds the lease: at once when nobody else does (or when it is
   * this gateway's own, left by its previous process), otherwise as soon as the holder's
   * lapses. {@code standingBy} hears, once, who holds it when this gateway must wait.
   *
   * @throws InterruptedException when the gateway is stopped meanwhile
   */
  Lease await(Consumer<String> standingBy) throws InterruptedException {
    announce();
    boolean waited = false;
    boolean away = false;
    while (true) {
      Optional<Lease> got;
      try {
        got = leases.acquire(NAME, holder, ttl);
      } catch (StoreException e) {
        if (!away) {
          log.warn("cannot see who is active on the database ({}); trying again", e.getMessage());
          away = true;
        }
        Thread.sleep(POLL);
        continue;
      }
      away = false;
      if (got.isPresent()) {
        Lease taken = got.get();
        fenceWith.accept(taken);
        lease = taken;
        activeAddress = null;
        if (waited) {
          log.info(
              "taking over: the other gateway's hold on the database lapsed; this one is active"
                  + " now (lease token {})",
              taken.token());
        }
        return taken;
      }
      String active = lookUpActive();
      if (!waited) {
        standingBy.accept(active);
        waited = true;
      }
      Thread.sleep(POLL);
    }
  }

  /**
   * Who holds the lease now, and where it is reached (for {@link #forwardTarget}); "another
   * gateway" when the database does not say.
   */
  private String lookUpActive() {
    try {
      Optional<Lease> holding =
          leases.all().stream().filter(l -> l.name().equals(NAME)).findFirst();
      // a lapsed holder (given up at its stop, or dead) is nobody to forward to
      boolean held = holding.isPresent() && holding.get().expiresAt().isAfter(clock.instant());
      activeAddress = holding
          .filter(l -> held)
          .flatMap(l -> leases.address(l.holder()))
          .flatMap(GatewayLease::uri)
          .orElse(null);
      return holding.map(Lease::holder).orElse("another gateway");
    } catch (StoreException e) {
      return "another gateway"; // the last address known stays
    }
  }

  private static Optional<URI> uri(String address) {
    try {
      URI u = new URI(address);
      // no port: the scheme's own (an http.advertise_url such as https://gw-1.example.org)
      return u.getHost() == null ? Optional.empty() : Optional.of(u);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * Where this gateway's HTTP server, listening at {@code bound}, is reached by the others:
   * written to the database now and with each presence renewal until it was written once.
   */
  void advertise(InetSocketAddress bound) {
    address = addressing.of(bound);
    writeAddress();
  }

  private void writeAddress() {
    URI a = address;
    if (a == null || advertised) {
      return;
    }
    try {
      leases.advertise(holder, a.toString());
      advertised = true;
    } catch (StoreException e) {
      log.debug("could not record this gateway's address yet: {}", e.getMessage());
    }
  }

  /**
   * The active gateway's address while this one stands by and the active one said where it is
   * reached; empty once this gateway is the active one (it serves every request itself).
   */
  Optional<URI> forwardTarget() {
    return lease == null ? Optional.ofNullable(activeAddress) : Optional.empty();
  }

  /** Holds this gateway's presence lease from now until {@link #close}, renewed with the rest. */
  private void announce() {
    var _ =
        renewer.scheduleWithFixedDelay(this::renewPresence, 0, renewEvery(), TimeUnit.MILLISECONDS);
  }

  private void renewPresence() {
    if (closed) {
      return;
    }
    writeAddress();
    try {
      Lease current = presence;
      Optional<Lease> renewed = current == null ? Optional.empty() : leases.renew(current, ttl);
      presence = renewed.isPresent()
          ? renewed.get()
          : leases.acquire(PRESENCE_PREFIX + holder, holder, ttl).orElse(null);
    } catch (StoreException e) {
      log.debug("could not renew this gateway's presence: {}", e.getMessage());
    }
  }

  /** Who holds the lease now; {@code otherwise} when nobody does or the database is away. */
  String currentHolderOr(String otherwise) {
    try {
      return leases.all().stream()
          .filter(l -> l.name().equals(NAME))
          .findFirst()
          .map(Lease::holder)
          .orElse(otherwise);
    } catch (StoreException e) {
      return otherwise;
    }
  }

  /** The lease as last taken or renewed; empty while standing by. */
  Optional<Lease> lease() {
    return Optional.ofNullable(lease);
  }

  /** Whether this gateway is the active one (it took the lease and has not lost it). */
  boolean held() {
    return lease != null && !lost;
  }

  Duration ttl() {
    return ttl;
  }

  /** Both leases are renewed every third of their time to live, in milliseconds. */
  private long renewEvery() {
    return Math.max(1, ttl.toMillis() / 3);
  }

  /**
   * Renews the lease from now on. A lease that ran out while the database was away and that
   * nobody took meanwhile is taken again (a new token, fenced anew): no other gateway can have
   * acted. {@code onLost} runs once if another gateway took it.
   */
  void keepRenewing(Runnable onLost) {
    long every = renewEvery();
    var _ =
        renewer.scheduleWithFixedDelay(() -> renew(onLost), every, every, TimeUnit.MILLISECONDS);
  }

  private void renew(Runnable onLost) {
    Lease current = lease;
    if (current == null || lost || closed) {
      return;
    }
    try {
      Optional<Lease> renewed = leases.renew(current, ttl);
      if (renewed.isPresent()) {
        lease = renewed.get();
        return;
      }
      if (closed) {
        return; // given up at a stop, not lost
      }
      // read before the retake below, which puts this gateway's own name in the row
      String other = currentHolderOr("unknown");
      Optional<Lease> retaken = leases.acquire(NAME, holder, ttl);
      if (closed) {
        // the stop gave the lease up while this retake waited for the database (longer than
        // close waits for a renewal): give it up again, or a standby would wait out the lease
        retaken.ifPresent(leases::release);
        return;
      }
      // One more than ours: nobody held it in between (a larger token means another gateway
      // took it and let it lapse, and may have acted meanwhile).
      if (retaken.isPresent() && retaken.get().token() == current.token() + 1) {
        log.warn(
            "this gateway's hold on the database ran out (the database was away for over {} s);"
                + " no other gateway took it, so it holds it again",
            ttl.toSeconds());
        fenceWith.accept(retaken.get());
        lease = retaken.get();
        return;
      }
      // taken just now after another's turn: given back at once, a standby takes it
      retaken.ifPresent(leases::release);
      lost = true;
      log.error(
          "this gateway lost its hold on the database (it could not renew it for {} s) and"
              + " another gateway ({}) took it; stopping so that only one answers",
          ttl.toSeconds(),
          other);
      onLost.run();
    } catch (StoreException e) {
      // the database is away: the next renewal tries again; if the hold runs out meanwhile,
      // another gateway may take it and the next renewal says so
      log.debug("could not renew the database's hold: {}", e.getMessage());
    }
  }

  /** This gateway's name in the lease: its host and state directory, stable across restarts. */
  static String holder(Path home, Map<String, String> env) {
    return host(env) + ":" + home.toAbsolutePath().normalize();
  }

  static String host(Map<String, String> env) {
    String name = env.get("HOSTNAME");
    if (name != null && !name.isBlank()) {
      return name.strip();
    }
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /**
   * Stops renewing and gives the lease up, so a standby takes over now rather than when it
   * would have lapsed. Called once nothing of this gateway sends any more.
   */
  @Override
  public void close() {
    closed = true;
    renewer.shutdownNow();
    try {
      // a renewal under way finishes first, so that it cannot renew what is given up below
      if (!renewer.awaitTermination(ttl.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("a renewal of the database's lease did not finish; giving the lease up anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Lease current = lease;
    if (current != null && !lost) {
      lease = null;
      leases.release(current);
      log.info("gave up the hold on the database; a standby gateway may take over now");
    }
    Lease here = presence;
    if (here != null) {
      presence = null;
      leases.release(here);
    }
  }
}
