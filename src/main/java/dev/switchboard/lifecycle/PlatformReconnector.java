package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Backoff;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.TaskSpawner;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one platform connected for as long as the gateway runs: a connect that fails, and a
 * connection whose loop ends, are tried again in the background (one supervised task) after a
 * wait from the {@link ReconnectPolicy}, until an attempt succeeds or the gateway stops. Only
 * this platform waits; the rest of the gateway never notices.
 *
 * <p>One owner at a time acts on the adapter: the start's first attempt, or the retry task. A
 * loop that ends while an owner is busy is remembered, and the owner goes on retrying when its
 * attempt succeeded, so an end is never lost between two attempts. Ends of loops from an earlier
 * connection (numbered by {@link #generation}) are ignored: that connection was torn down on
 * purpose.
 */
final class PlatformReconnector {
  private static final Logger log = LoggerFactory.getLogger(PlatformReconnector.class);

  /** What the reconnector does to the platform; the slot bounds each call. */
  interface Attempts {
    String name();

    /** One bounded connect; empty when the platform is connected. */
    Optional<ConnectFailure> attempt() throws InterruptedException;

    /** Undoes what a failed or ended connection left (loops, listeners), before another try. */
    void tearDown();

    /** The next attempt is in {@code delay}: say so (state, log). */
    void retryIn(ConnectFailure failure, Duration delay, int failuresInARow);

    /** Connected again after {@code failures} failed attempts over {@code took}. */
    void reconnected(int failures, Duration took);
  }

  private final Attempts platform;
  private final TaskSpawner tasks;
  private final ReconnectPolicy policy;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final Object lock = new Object();

  /** An attempt or a retry task owns the adapter. */
  @GuardedBy("lock")
  private boolean busy;

  /** A loop of the current connection ended while the owner was busy. */
  @GuardedBy("lock")
  private @Nullable ConnectFailure endedMeanwhile;

  @GuardedBy("lock")
  private @Nullable Thread retrying;

  @GuardedBy("lock")
  private boolean closed;

  @GuardedBy("lock")
  private int generation;

  PlatformReconnector(
      Attempts platform,
      TaskSpawner tasks,
      ReconnectPolicy policy,
      Sleeper sleeper,
      RandomGenerator random) {
    this.platform = platform;
    this.tasks = tasks;
    this.policy = policy;
    this.sleeper = sleeper;
    this.backoff = Backoff.fullJitter(policy.firstDelay(), policy.maxDelay(), random);
  }

  /**
   * The first attempt, on the caller's thread (the start waits for it); if it fails, the retries
   * go on in the background. True when connected.
   */
  boolean connect() throws InterruptedException {
    synchronized (lock) {
      busy = true;
    }
    Optional<ConnectFailure> failure = attemptOnce();
    Optional<ConnectFailure> again = failure.isPresent() ? failure : release();
    again.ifPresent(this::retryInBackground);
    return failure.isEmpty();
  }

  /** The number of the connection being made or running; loops carry it to {@link #loopEnded}. */
  int generation() {
    synchronized (lock) {
      return generation;
    }
  }

  /** A loop of connection {@code ofGeneration} ended; if it is the current one, reconnect. */
  void loopEnded(int ofGeneration, ConnectFailure why) {
    synchronized (lock) {
      if (closed || ofGeneration != generation) {
        return;
      }
      if (busy) {
        endedMeanwhile = why;
        return;
      }
      busy = true;
    }
    retryInBackground(why);
  }

  /**
   * No attempt from now on: a retry wait or attempt under way is interrupted, and waited for up
   * to {@code wait}, so the stop's disconnect does not race it.
   */
  void close(Duration wait) {
    Thread running;
    synchronized (lock) {
      closed = true;
      running = retrying;
    }
    if (running == null) {
      return;
    }
    running.interrupt();
    try {
      if (!running.join(wait)) {
        log.warn("{}: the reconnect did not end within {} ms", platform.name(), wait.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<ConnectFailure> attemptOnce() throws InterruptedException {
    synchronized (lock) {
      generation++;
      endedMeanwhile = null; // that connection is being replaced
    }
    return platform.attempt();
  }

  /** Gives up ownership, unless a loop ended meanwhile: then that is the next failure. */
  private Optional<ConnectFailure> release() {
    synchronized (lock) {
      ConnectFailure ended = endedMeanwhile;
      if (ended != null) {
        endedMeanwhile = null;
        return Optional.of(ended);
      }
      busy = false;
      return Optional.empty();
    }
  }

  /**
   * Says when the next attempt is before handing over to the background, so the platform's
   * state is settled when the start counts the connected platforms.
   */
  private void retryInBackground(ConnectFailure failure) {
    Duration delay = announce(failure, 1);
    try {
      tasks.spawn(platform.name() + " reconnect", () -> retry(delay));
    } catch (RejectedExecutionException e) {
      log.info("{}: not trying again: the gateway is stopping", platform.name());
      synchronized (lock) {
        busy = false;
      }
    }
  }

  private Duration announce(ConnectFailure failure, int failuresInARow) {
    Duration delay = failure.lasting() ? policy.refusedEvery() : backoff.next();
    platform.retryIn(failure, delay, failuresInARow);
    return delay;
  }

  private void retry(Duration firstDelay) {
    synchronized (lock) {
      if (closed) {
        busy = false;
        return;
      }
      retrying = Thread.currentThread();
    }
    boolean released = false;
    long began = System.nanoTime();
    int failures = 1;
    Duration delay = firstDelay;
    try {
      while (true) {
        sleeper.sleep(delay);
        if (isClosed()) {
          return;
        }
        platform.tearDown();
        if (isClosed()) {
          return;
        }
        Optional<ConnectFailure> next = attemptOnce();
        if (next.isEmpty()) {
          backoff.reset();
          next = release();
          if (next.isEmpty()) {
            released = true;
            platform.reconnected(failures, Duration.ofNanos(System.nanoTime() - began));
            return;
          }
        }
        failures++;
        delay = announce(next.get(), failures);
      }
    } catch (InterruptedException e) {
      log.debug("{}: reconnect interrupted: the gateway is stopping", platform.name());
    } finally {
      synchronized (lock) {
        if (retrying == Thread.currentThread()) {
          retrying = null;
        }
        if (!released) {
          busy = false;
        }
      }
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }
}
