package dev.switchboard.agent.openai;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TokenUsage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One turn's HTTP exchanges and what they produced, and the one place that aborts them: on
 * cancel, and from a watchdog that enforces the idle and turn timeouts. Aborting cancels the
 * pending request and closes the response body, which wakes the reading thread at once.
 */
final class Call {
  /** Why the exchange was aborted. */
  enum Abort {
    CANCELLED,
    IDLE,
    TURN_TIMEOUT
  }

  private final TurnControl control;
  private final Executor executor;
  private final long idleNanos;
  private final long deadline;
  private final CountDownLatch aborted = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();
  private final StringBuilder text = new StringBuilder(); // the turn's thread only
  private final StringBuilder notices = new StringBuilder(); // the turn's thread only
  private @Nullable TokenUsage usage; // the turn's thread only
  private volatile long lastActivity;
  private volatile boolean idleWatched;
  private volatile @Nullable Abort abort;
  private volatile boolean finished;

  /**
   * What the exchange under way holds open, and how to let go of it, released in this order.
   * The exchange's own abort comes first: closing its body alone does not wake a silent one.
   */
  private enum Held {
    EXCHANGE,
    HEADERS,
    BODY
  }

  /** The latest of each kind; a new exchange's replaces the one before, which has ended. */
  @GuardedBy("lock")
  private final EnumMap<Held, Runnable> held = new EnumMap<>(Held.class);

  Call(OpenAiSettings settings, TurnControl control, Executor executor) {
    this.control = control;
    this.executor = executor;
    this.idleNanos = settings.idleTimeout().toNanos();
    long now = System.nanoTime();
    this.deadline = now + settings.turnTimeout().toNanos();
    this.lastActivity = now;
    schedule(Math.min(idleNanos, settings.turnTimeout().toNanos()));
  }

  /** Whether the idle timeout applies from now on (it does not while a full answer is made). */
  void watchIdle(boolean on) {
    lastActivity = System.nanoTime();
    idleWatched = on;
  }

  /** Something arrived: a line of the stream, a keep-alive. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  void cancel() {
    abort(Abort.CANCELLED);
  }

  /** The answer's headers, still to come: cancelled on an abort. */
  void attach(CompletableFuture<?> f) {
    hold(Held.HEADERS, () -> f.cancel(true));
  }

  /** {@code abortExchange} ends the exchange about to be sent, at once if already aborted. */
  void attach(Runnable abortExchange) {
    hold(Held.EXCHANGE, abortExchange);
  }

  /** The answer's body: closed on an abort, which wakes the thread reading it. */
  void attach(InputStream in) {
    hold(Held.BODY, () -> closeQuietly(in));
  }

  /** Keeps {@code release} until the turn ends or is aborted; runs it now if that happened. */
  private void hold(Held what, Runnable release) {
    lock.lock();
    try {
      if (abort == null && !finished) {
        held.put(what, release);
        return;
      }
    } finally {
      lock.unlock();
    }
    release.run();
  }

  private void abort(Abort why) {
    List<Runnable> releases;
    lock.lock();
    try {
      if (finished || abort != null) {
        return;
      }
      abort = why;
      releases = List.copyOf(held.values());
    } finally {
      lock.unlock();
    }
    aborted.countDown();
    releases.forEach(Runnable::run);
  }

  /** The turn is over: nothing may be aborted any more; whatever is still open is released. */
  void finish() {
    List<Runnable> releases;
    lock.lock();
    try {
      finished = true;
      releases = List.copyOf(held.values());
      held.clear();
    } finally {
      lock.unlock();
    }
    // an exchange that ended already is not touched by its abort
    releases.forEach(Runnable::run);
  }

  /** Throws if the exchange was aborted: {@link OpenAiBackend.Stopped} when cancelled. */
  void checkAborted(Failures failures) throws AgentException, OpenAiBackend.Stopped {
    Abort why = abort;
    if (why == Abort.CANCELLED || control.cancelled()) {
      abort(Abort.CANCELLED);
      throw new OpenAiBackend.Stopped();
    }
    if (why == Abort.IDLE) {
      throw failures.idle();
    }
    if (why == Abort.TURN_TIMEOUT) {
      throw failures.turnTimeout();
    }
  }

  /**
   * What a failed exchange means: the turn was stopped, timed out, interrupted, or the
   * connection failed. Throws the first three, returns the last.
   */
  AgentException failed(Throwable e, Failures failures)
      throws AgentException, OpenAiBackend.Stopped, InterruptedException {
    checkAborted(failures);
    if (OpenAiBackend.isInterrupt(e)) {
      throw new InterruptedException("interrupted during a model request");
    }
    return failures.forIo(e, hasText());
  }

  /** Waits before a retry; an abort ends the wait. */
  void pause(Duration wait, Failures failures)
      throws AgentException, OpenAiBackend.Stopped, InterruptedException {
    idleWatched = false;
    try {
      aborted.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      checkAborted(failures);
      throw e;
    }
    checkAborted(failures);
  }

  /**
   * A line of the gateway's own before the reply (the model cannot see images): shown at once,
   * and first in the result. Not the model's text: {@link #hasText} does not count it.
   */
  void notice(String line, TurnOutput output) {
    String shown = line + "\n\n";
    notices.append(shown);
    output.append(shown);
  }

  void append(String delta, TurnOutput output) {
    text.append(delta);
    output.append(delta);
  }

  boolean hasText() {
    return !text.isEmpty();
  }

  void usage(JsonNode node) {
    TokenUsage u = OpenAiBackend.usageOf(node);
    if (u != null) {
      usage = u;
    }
  }

  TurnResult result() {
    return new TurnResult(notices.toString() + text, usage);
  }

  private void schedule(long nanos) {
    CompletableFuture.delayedExecutor(
            Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS, executor)
        .execute(this::check);
  }

  private void check() {
    if (finished || abort != null) {
      return;
    }
    long now = System.nanoTime();
    if (now - deadline >= 0) {
      abort(Abort.TURN_TIMEOUT);
      return;
    }
    long next = deadline - now;
    if (idleWatched) {
      long idleLeft = lastActivity + idleNanos - now;
      if (idleLeft <= 0) {
        abort(Abort.IDLE);
        return;
      }
      next = Math.min(next, idleLeft);
    } else {
      next = Math.min(next, idleNanos);
    }
    schedule(next);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // aborting: nothing to do about a failed close
    }
  }
}
