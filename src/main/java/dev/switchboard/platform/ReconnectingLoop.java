package dev.switchboard.platform;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Backoff;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one platform connection up until {@link #stop}: connects, runs until the connection
 * ends, and acts on how the connection says it ended. A fatal end stops the loop and marks the
 * platform failed with the reason; any other end reconnects, at once when the connection had
 * been up, else after a jittered {@link Backoff}; a stop ends the loop. The heartbeat beats at
 * every attempt and all through a wait, so the watchdog never takes a loop that is reconnecting
 * for a stuck one, and is retired when the loop ends on purpose. Every wait is interruptible,
 * and the stop interrupts it.
 *
 * <p>Only the mechanics live here. What ends a connection, what can be resumed and when an event
 * is acknowledged is the platform's protocol, in its {@link Connection}.
 */
public final class ReconnectingLoop {
  private static final Logger log = LoggerFactory.getLogger(ReconnectingLoop.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  /** One platform's connection; the loop runs it again after every end that is not fatal. */
  public interface Connection {
    /** Connects and returns once the connection has ended, saying how. On the loop's thread. */
    End run(Link link) throws InterruptedException;

    /**
     * Ends the connection for good: the loop is stopping or has ended. Called from any thread,
     * possibly more than once; returns promptly.
     */
    default void close() {}
  }

  /** What a running connection tells its loop. Callable from any thread. */
  public interface Link {
    /**
     * The connection is up: the platform is reported connected, the backoff starts over, and
     * the next end reconnects at once. True when the platform was not connected before.
     */
    boolean connected();

    /** Something arrived: the connection is alive. */
    void alive();

    /** Waits within an attempt (a limit the platform set), beating all along; interruptible. */
    void pause(Duration wait) throws InterruptedException;
  }

  /** How a connection ended, as its protocol sees it, and so what the loop does next. */
  public static final class End {
    private final String why;
    private final boolean fatal;
    /** Null: the end changes nothing the operator needs to see. */
    private final @Nullable PlatformState report;

    private final Duration extra;
    /** Null: the loop's own backoff. */
    private final @Nullable Backoff backoff;

    private End(
        String why,
        boolean fatal,
        @Nullable PlatformState report,
        Duration extra,
        @Nullable Backoff backoff) {
      this.why = Objects.requireNonNull(why, "why");
      this.fatal = fatal;
      this.report = report;
      this.extra = extra;
      this.backoff = backoff;
    }

    /** Gone for good (a refused credential): the loop stops, the platform is failed. */
    public static End fatal(String why) {
      return new End(why, true, PlatformState.FAILED, Duration.ZERO, null);
    }

    /** Worth another attempt; meanwhile the platform is connecting, for {@code why}. */
    public static End retry(String why) {
      return new End(why, false, PlatformState.CONNECTING, Duration.ZERO, null);
    }

    /** Worth another attempt; meanwhile the platform is degraded, for {@code why}. */
    public static End degraded(String why) {
      return new End(why, false, PlatformState.DEGRADED, Duration.ZERO, null);
    }

    /** Worth another attempt, with nothing to report: a routine end (one long poll, a refresh). */
    public static End quietly(String why) {
      return new End(why, false, null, Duration.ZERO, null);
    }

    /** Waits {@code wait} on top of the backoff: the platform asked for it. */
    public End plus(Duration wait) {
      return new End(why, fatal, report, extra.plus(wait), backoff);
    }

    /** Draws the backoff from {@code other}: a kind of failure that is counted apart. */
    public End drawingFrom(Backoff other) {
      return new End(why, fatal, report, extra, Objects.requireNonNull(other, "other"));
    }

    @Override
    public String toString() {
      return (fatal ? "fatal: " : "retry: ") + why;
    }
  }

  private final Connection connection;
  private final Backoff backoff;
  private final Heartbeat heartbeat;
  private final BiConsumer<PlatformState, @Nullable String> states;
  private final Sleeper sleeper;
  private final Duration beatEvery;
  private final Link link = new LoopLink();
  private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Object reporting = new Object();
  /** What the loop last reported; null before its first report. */
  @GuardedBy("reporting")
  private @Nullable PlatformState reported;

  private volatile boolean upThisTime;
  private volatile boolean stopping;
  private volatile @Nullable Thread thread;

  /**
   * @param states where the platform's state goes: {@link PlatformContext#reportState}
   */
  public ReconnectingLoop(
      Connection connection,
      Backoff backoff,
      Heartbeat heartbeat,
      BiConsumer<PlatformState, @Nullable String> states,
      Sleeper sleeper) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.states = Objects.requireNonNull(states, "states");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    // Four beats per silence the watchdog tolerates: a late one still lands in time.
    Duration quarter = heartbeat.maxSilence().dividedBy(4);
    this.beatEvery = quarter.isPositive() ? quarter : Duration.ofMillis(1);
  }

  /** The loop, on the caller's thread, until {@link #stop} or a fatal end. */
  public void run() {
    thread = Thread.currentThread();
    try {
      attemptUntilTheEnd();
      heartbeat.retire(); // stopped or failed: no loop runs any more
    } catch (InterruptedException e) {
      heartbeat.retire(); // the stop interrupted an attempt or a wait
    } finally {
      connection.close();
      firstConnection.complete(null); // a connect still waiting for it goes on
      ended.countDown();
    }
  }

  private void attemptUntilTheEnd() throws InterruptedException {
    while (!stopping) {
      heartbeat.beat();
      upThisTime = false;
      End end = attempt();
      if (stopping) {
        return;
      }
      if (end.fatal) {
        log.error("{}: {}", heartbeat.name(), end.why);
        report(PlatformState.FAILED, end.why);
        firstConnection.completeExceptionally(new PlatformException(end.why, true));
        return;
      }
      await(waitAfter(end));
    }
  }

  private End attempt() throws InterruptedException {
    try {
      return connection.run(link);
    } catch (RuntimeException e) {
      // A bug in a connection must not leave the platform deaf: count it as a failure and go on.
      log.error("{}: the connection failed unexpectedly", heartbeat.name(), e);
      return End.degraded("unexpected error: " + e.getClass().getSimpleName());
    }
  }

  private Duration waitAfter(End end) {
    boolean wasUp = upThisTime;
    if (wasUp) {
      backoff.reset();
    }
    Duration step =
        end.backoff != null ? end.backoff.next() : wasUp ? Duration.ZERO : backoff.next();
    Duration wait = end.extra.plus(step);
    if (end.report != null) {
      log.warn("{}: {}; next attempt in {} ms", heartbeat.name(), end.why, wait.toMillis());
      report(end.report, end.why);
    } else if (wait.isPositive()) { // a routine end with no wait (one long poll) is not news
      log.debug("{}: {}; next attempt in {} ms", heartbeat.name(), end.why, wait.toMillis());
    }
    return wait;
  }

  private void report(PlatformState state, String why) {
    synchronized (reporting) {
      reported = state;
      states.accept(state, why);
    }
  }

  private void await(Duration wait) throws InterruptedException {
    Duration left = wait;
    while (left.isPositive() && !stopping) {
      heartbeat.beat();
      Duration slice = left.compareTo(beatEvery) < 0 ? left : beatEvery;
      sleeper.sleep(slice);
      left = left.minus(slice);
    }
  }

  /**
   * Waits up to {@code wait} for the first connection, so that a platform that refuses us for
   * good fails the connect with the reason. After {@code wait} the loop goes on trying alone.
   */
  public void awaitFirstConnection(Duration wait) throws PlatformException, InterruptedException {
    try {
      firstConnection.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (PlatformException) e.getCause();
    } catch (TimeoutException e) {
      log.warn("{}: not connected after {} s; still trying", heartbeat.name(), wait.toSeconds());
    }
  }

  /**
   * Ends the loop: closes the connection, interrupts what the loop waits for, and waits for it
   * to end (5 s at most).
   */
  public void stop() {
    stopping = true;
    connection.close();
    Thread running = thread;
    if (running == null || running == Thread.currentThread() || ended.getCount() == 0) {
      return;
    }
    running.interrupt();
    try {
      if (!ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: the loop did not end within {} s", heartbeat.name(), STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The loop as its connection sees it. */
  private final class LoopLink implements Link {
    @Override
    public boolean connected() {
      upThisTime = true;
      heartbeat.beat();
      boolean news;
      synchronized (reporting) {
        news = reported != PlatformState.CONNECTED;
        if (news) {
          reported = PlatformState.CONNECTED;
          states.accept(PlatformState.CONNECTED, null);
        }
      }
      firstConnection.complete(null);
      return news;
    }

    @Override
    public void alive() {
      heartbeat.beat();
    }

    @Override
    public void pause(Duration wait) throws InterruptedException {
      await(wait);
    }
  }
}
