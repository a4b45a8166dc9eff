package dev.switchboard.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a running turn. The dispatcher cancels (on /stop, on an interrupting message, at the
 * end of a drain); the backend registers what cancelling means for it (close an HTTP stream,
 * send {@code session/cancel}) and checks {@link #cancelled()} between steps.
 */
public final class TurnControl {
  private static final Logger log = LoggerFactory.getLogger(TurnControl.class);

  /** Why a turn was cancelled, so the reply can say so. */
  public enum Reason {
    USER_STOP,
    SUPERSEDED,
    SHUTDOWN
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Runnable> callbacks = new ArrayList<>();
  private volatile @Nullable Reason reason;

  /** Cancels once; later calls keep the first reason. Callbacks run on the caller's thread. */
  public void cancel(Reason why) {
    cancel(why, Runnable::run);
  }

  /**
   * Cancels once: the reason is visible to the turn before this returns, and the registered
   * callbacks (which may do I/O) are handed, together, to {@code runner}.
   */
  public void cancel(Reason why, Consumer<Runnable> runner) {
    List<Runnable> toRun;
    lock.lock();
    try {
      if (reason != null) {
        return;
      }
      reason = why;
      toRun = List.copyOf(callbacks);
      callbacks.clear();
    } finally {
      lock.unlock();
    }
    if (!toRun.isEmpty()) {
      runner.accept(() -> toRun.forEach(TurnControl::runQuietly));
    }
  }

  /** Registers an action run on cancel, or at once if the turn is already cancelled. */
  public void onCancel(Runnable callback) {
    lock.lock();
    try {
      if (reason == null) {
        callbacks.add(callback);
        return;
      }
    } finally {
      lock.unlock();
    }
    runQuietly(callback);
  }

  public boolean cancelled() {
    return reason != null;
  }

  public @Nullable Reason reason() {
    return reason;
  }

  // A backend's callback must not break the cancel of the others (Caffeine's listener rule).
  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("a turn's cancel callback failed", e);
    }
  }
}
