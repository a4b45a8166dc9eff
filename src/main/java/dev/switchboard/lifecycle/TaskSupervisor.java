package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Deadline;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of background tasks the stop tears down: receive loops, the dispatch loop, turns,
 * pingers. Each runs on its own virtual thread (so none can keep the JVM alive).
 *
 * <p>The stop and restart orchestration is deliberately never in this set: the stop sweeps it,
 * and a sweep that cancels its own caller is the bug this project exists to avoid (docs/architecture.md,
 * lifecycle rule 2).
 *
 * <p>{@link #shutdown} closes the set, interrupts every task, waits for them within its budget,
 * and reports each one that would not stop, by name and with its stack, at WARN (as Jetty's
 * {@code QueuedThreadPool.doStop()} does).
 */
public final class TaskSupervisor implements TaskSpawner {
  private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

  private final Ticker ticker;
  private final Consumer<String> onCriticalExit;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final Map<Thread, String> live = new LinkedHashMap<>();

  @GuardedBy("lock")
  private boolean closed;

  /**
   * @param onCriticalExit told when a critical task ends while the set is open: the gateway
   *     would be deaf without it, so the caller treats that as a crash
   */
  public TaskSupervisor(Ticker ticker, Consumer<String> onCriticalExit) {
    this.ticker = ticker;
    this.onCriticalExit = onCriticalExit;
  }

  @Override
  public void spawn(String name, Runnable task) {
    start(name, task, false);
  }

  /** Like {@link #spawn}, but the task ending before shutdown is reported as a crash. */
  public void spawnCritical(String name, Runnable task) {
    start(name, task, true);
  }

  private void start(String name, Runnable task, boolean critical) {
    Thread thread = Thread.ofVirtual().name(name).unstarted(() -> runTracked(name, task, critical));
    lock.lock();
    try {
      if (closed) {
        throw new RejectedExecutionException("stopping; not starting task " + name);
      }
      live.put(thread, name);
      // Started under the lock, so shutdown never sees a registered thread that has not
      // started (joining one throws). Starting a virtual thread does not block.
      thread.start();
    } finally {
      lock.unlock();
    }
  }

  private void runTracked(String name, Runnable task, boolean critical) {
    Throwable failure = null;
    try {
      task.run();
    } catch (Throwable t) {
      failure = t;
      log.error("background task '{}' failed", name, t);
    } finally {
      boolean stillOpen;
      lock.lock();
      try {
        live.remove(Thread.currentThread());
        stillOpen = !closed;
      } finally {
        lock.unlock();
      }
      if (critical && stillOpen) {
        onCriticalExit.accept("background task '" + name + "' ended unexpectedly"
            + (failure == null ? "" : ": " + failure));
      }
    }
  }

  /** Names of the tasks running now. */
  public List<String> running() {
    lock.lock();
    try {
      return List.copyOf(live.values());
    } finally {
      lock.unlock();
    }
  }

  public boolean contains(Thread thread) {
    lock.lock();
    try {
      return live.containsKey(thread);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses new tasks, interrupts the running ones and waits up to {@code budget} for them.
   * Returns the names of those still running, each already reported with its stack.
   */
  public List<String> shutdown(Duration budget) {
    List<Thread> threads;
    lock.lock();
    try {
      closed = true;
      threads = new ArrayList<>(live.keySet());
    } finally {
      lock.unlock();
    }
    threads.forEach(Thread::interrupt);
    Deadline deadline = Deadline.after(budget, ticker);
    List<String> stragglers = new ArrayList<>();
    for (Thread t : threads) {
      try {
        if (!t.join(deadline.remaining())) {
          stragglers.add(t.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stragglers.add(t.getName());
      }
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        log.warn(
            "task '{}' did not stop within {} ms of being interrupted; abandoning it:{}",
            t.getName(),
            budget.toMillis(),
            ThreadDumps.formatStack(t.getStackTrace()));
      }
    }
    return stragglers;
  }
}
