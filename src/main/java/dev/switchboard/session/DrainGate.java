package dev.switchboard.session;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The one "drained" condition, as Jetty's {@code Graceful}: work a drain must wait for (a
 * running turn, a command executing, a notice on its way to a chat) enters the gate and leaves
 * it when done. Once the drain has begun, its future completes when nothing is inside; the
 * condition is written once, in {@link #completeIfEmpty}.
 *
 * <p>A leaf lock: nothing under it calls out, so it may be taken while the lane scheduler's lock is
 * held.
 */
final class DrainGate {
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private int inside;
  /** Null until the drain begins. */
  @GuardedBy("lock")
  private @Nullable CompletableFuture<Void> drained;

  void enter() {
    lock.lock();
    try {
      inside++;
    } finally {
      lock.unlock();
    }
  }

  void leave() {
    CompletableFuture<Void> toComplete;
    lock.lock();
    try {
      inside--;
      toComplete = completeIfEmpty();
    } finally {
      lock.unlock();
    }
    complete(toComplete);
  }

  /** Begins the drain, once; returns the future every call, done when nothing is inside. */
  CompletableFuture<Void> beginDrain() {
    CompletableFuture<Void> future;
    CompletableFuture<Void> toComplete;
    lock.lock();
    try {
      if (drained == null) {
        drained = new CompletableFuture<>();
      }
      future = drained;
      toComplete = completeIfEmpty();
    } finally {
      lock.unlock();
    }
    complete(toComplete);
    return future;
  }

  boolean draining() {
    lock.lock();
    try {
      return drained != null;
    } finally {
      lock.unlock();
    }
  }

  // Completed by the caller after unlocking, so no dependent action ever runs under the lock.
  @GuardedBy("lock")
  private @Nullable CompletableFuture<Void> completeIfEmpty() {
    return drained != null && inside == 0 && !drained.isDone() ? drained : null;
  }

  private static void complete(@Nullable CompletableFuture<Void> future) {
    if (future != null) {
      future.complete(null);
    }
  }
}
