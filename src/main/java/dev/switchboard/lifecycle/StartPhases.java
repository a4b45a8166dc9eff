package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which of the start's phases that hold outside resources have begun. The {@link StartSequence} marks each before it acts;
 * the {@link StopSequence} undoes only those, so a start that fails part-way is rolled back
 * without tearing down what it never built (no disconnect of a platform never connected, no
 * close of a server never started).
 */
final class StartPhases {
  /** In start order; the stop undoes them in reverse. */
  enum Phase {
    /** The HTTP server listens. Undone by closing it, late, so probes see the drain. */
    HTTP,
    /** The platforms connect (a failed connect may leave a half-open one). Undone by disconnect. */
    PLATFORMS
  }

  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final Set<Phase> begun = EnumSet.noneOf(Phase.class);

  void begin(Phase phase) {
    lock.lock();
    try {
      begun.add(phase);
    } finally {
      lock.unlock();
    }
  }

  boolean begun(Phase phase) {
    lock.lock();
    try {
      return begun.contains(phase);
    } finally {
      lock.unlock();
    }
  }
}
