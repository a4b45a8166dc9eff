package dev.switchboard.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Sends on one JDK WebSocket one at a time, as the JDK requires: each starts when the previous
 * has ended, failed or not (a dead connection is noticed by its listener, not here), and none
 * starts under a lock of the caller's. Hand-written because the JDK client offers no send queue.
 */
public final class SerialSends {
  private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

  /** Runs {@code send} once every earlier send has ended. */
  public void after(Supplier<? extends CompletionStage<?>> send) {
    CompletableFuture<Void> next = new CompletableFuture<>();
    CompletableFuture<Void> previous;
    synchronized (this) {
      previous = last;
      last = next;
    }
    CompletableFuture<Void> _ = previous.whenComplete((x, e) -> {
      try {
        send.get().whenComplete((r, failure) -> next.complete(null));
      } catch (RuntimeException failure) {
        next.complete(null);
      }
    });
  }
}
