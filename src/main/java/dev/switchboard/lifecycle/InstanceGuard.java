package dev.switchboard.lifecycle;

import dev.switchboard.store.Leases;
import dev.switchboard.store.Leases.Lease;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway per shared database, until platforms can be shared out among instances: a
 * gateway on a database server holds the lease {@value #NAME} for as long as it runs, renewed
 * every third of its time to live. Another gateway that finds the lease held waits up to the
 * time to live (the holder may have just died) and then refuses to start, naming the holder:
 * two gateways on one journal would each answer the other's unfinished messages. The holder is
 * named by its host and state directory, so a restart of the same gateway takes its lease back
 * at once.
 */
final class InstanceGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceGuard.class);
  static final String NAME = "gateway";
  private static final Duration POLL = Duration.ofMillis(500);

  private final Leases leases;
  private final Duration ttl;
  private final ScheduledExecutorService renewer;
  private volatile Lease lease;

  private InstanceGuard(Leases leases, Duration ttl, Lease lease) {
    this.leases = leases;
    this.ttl = ttl;
    this.lease = lease;
    this.renewer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("instance lease").factory());
  }

  /**
   * Takes the lease for {@code holder}, waiting up to the time to live (and a little) while
   * another holds it.
   *
   * @throws StoreException when another gateway holds it all that time, or the wait was
   *     interrupted (a stop)
   */
  static InstanceGuard claim(Leases leases, String holder, Duration ttl) {
    long deadline = System.nanoTime() + ttl.plus(POLL.multipliedBy(4)).toNanos();
    boolean said = false;
    while (true) {
      Optional<Lease> got = leases.acquire(NAME, holder, ttl);
      if (got.isPresent()) {
        if (said) {
          log.info("the database is ours now: its former gateway let its hold run out");
        }
        return new InstanceGuard(leases, ttl, got.get());
      }
      Optional<Lease> other =
          leases.all().stream().filter(l -> l.name().equals(NAME)).findFirst();
      String who = other.map(Lease::holder).orElse("another gateway");
      if (System.nanoTime() - deadline >= 0) {
        throw new StoreException(
            "another gateway (" + who + ") is using this database and"
                + " renews its hold; one gateway per database: stop that one, or give this one a"
                + " database of its own",
            null);
      }
      if (!said) {
        log.warn(
            "the database is held by another gateway ({}) until {}; waiting up to {} s in case"
                + " it has stopped",
            who,
            other.map(Lease::expiresAt).map(Object::toString).orElse("now"),
            ttl.toSeconds());
        said = true;
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("stopped while waiting for the database's hold", e);
      }
    }
  }

  /** The lease as taken (renewals keep its token). */
  Lease lease() {
    return lease;
  }

  /**
   * Renews the lease from now on. A lease that ran out while the database was away and that
   * nobody took meanwhile is taken again (a new token, handed to {@code fenceWith}): no other
   * gateway can have acted. {@code onLost} runs once if another gateway took it.
   */
  void keepRenewing(Consumer<Lease> fenceWith, Runnable onLost) {
    long every = Math.max(1, ttl.toMillis() / 3);
    var _ = renewer.scheduleWithFixedDelay(
        () -> renew(fenceWith, onLost), every, every, TimeUnit.MILLISECONDS);
  }

  private void renew(Consumer<Lease> fenceWith, Runnable onLost) {
    try {
      Optional<Lease> renewed = leases.renew(lease, ttl);
      if (renewed.isPresent()) {
        lease = renewed.get();
        return;
      }
      Optional<Lease> retaken = leases.acquire(NAME, lease.holder(), ttl);
      if (retaken.isPresent()) {
        log.warn(
            "this gateway's hold on the database ran out (the database was away for over {} s);"
                + " no other gateway took it, so it holds it again",
            ttl.toSeconds());
        lease = retaken.get();
        fenceWith.accept(lease);
        return;
      }
      log.error(
          "this gateway lost its hold on the database (it could not renew it for {} s) and"
              + " another gateway took it; stopping so that only one answers",
          ttl.toSeconds());
      renewer.shutdown();
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

  private static String host(Map<String, String> env) {
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

  @Override
  public void close() {
    renewer.shutdownNow();
  }
}
