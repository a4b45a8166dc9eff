package dev.switchboard.lifecycle;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a call that may hang (an adapter's connect or disconnect, a backend's close) on its own
 * virtual thread and waits at most a given time. On timeout the call is interrupted and
 * abandoned: a virtual thread cannot keep the JVM alive, so abandoning it is safe.
 */
final class BoundedCall {
  private BoundedCall() {}

  /** How a bounded call ended. */
  sealed interface Outcome {
    record Done() implements Outcome {}

    record Failed(Throwable error) implements Outcome {}

    record TimedOut(Duration after) implements Outcome {}
  }

  static Outcome run(String threadName, Duration timeout, Callable<?> call)
      throws InterruptedException {
    CompletableFuture<Object> result = new CompletableFuture<>();
    Thread thread = Thread.ofVirtual().name(threadName).start(() -> {
      try {
        result.complete(call.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      result.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return new Outcome.Done();
    } catch (ExecutionException e) {
      return new Outcome.Failed(e.getCause() != null ? e.getCause() : e);
    } catch (TimeoutException e) {
      thread.interrupt();
      return new Outcome.TimedOut(timeout);
    } catch (InterruptedException e) {
      thread.interrupt();
      throw e;
    }
  }

  /**
   * Like {@link #run}, for the stop thread, which nothing may cancel (lifecycle rule 1): an
   * interrupt is counted as a failure of this call only, and not passed on.
   */
  static Outcome runIgnoringInterrupts(String threadName, Duration timeout, Callable<?> call) {
    try {
      return run(threadName, timeout, call);
    } catch (InterruptedException e) {
      return new Outcome.Failed(e);
    }
  }
}
