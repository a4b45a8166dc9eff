package dev.switchboard.reliability;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stand-in for a service manager with {@code Restart=always} and no delay: it starts the
 * gateway and starts it again whenever it exits, whatever the exit code, until it is stopped.
 * (The lifecycle tests' StandInSupervisor restarts only on 75, as the systemd unit does; a
 * crash soak needs every end followed by a start.) Every start and exit is kept.
 */
final class RestartAlwaysSupervisor implements AutoCloseable {
  /** One gateway process the supervisor started; {@code sequence} counts from 1. */
  record Child(int sequence, Process process, long startedAtNanos) {
    long pid() {
      return process.pid();
    }
  }

  /** A child's end: its exit code (137 after SIGKILL) and when it was seen. */
  record Exit(int sequence, long pid, int code, long atNanos) {}

  private final GatewayLaunch launch;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition started = lock.newCondition();
  // guarded by lock:
  private final List<Child> children = new ArrayList<>();
  private final List<Exit> exits = new ArrayList<>();
  private boolean stopping;
  private IOException startFailure;

  private final Thread watcher;
  private final Thread killOnExit;

  RestartAlwaysSupervisor(GatewayLaunch launch) throws IOException {
    this.launch = launch;
    children.add(new Child(1, launch.start(1), System.nanoTime()));
    this.watcher =
        Thread.ofPlatform().daemon().name("restart-always supervisor").start(this::watch);
    // A soak stopped with Ctrl-C, or a test JVM ended by its timeout, must not leave a gateway
    // running on its own: the child is in our process group but outlives us.
    this.killOnExit = Thread.ofPlatform().unstarted(this::close);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  private void watch() {
    try {
      while (true) {
        Child current = current();
        int code = current.process().waitFor();
        lock.lock();
        try {
          exits.add(new Exit(current.sequence(), current.pid(), code, System.nanoTime()));
          if (stopping) {
            return;
          }
          int next = current.sequence() + 1;
          children.add(new Child(next, launch.start(next), System.nanoTime()));
          started.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      lock.lock();
      try {
        startFailure = e;
        started.signalAll();
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  Child current() {
    lock.lock();
    try {
      return children.getLast();
    } finally {
      lock.unlock();
    }
  }

  /** The child started after {@code previous}, waiting up to {@code timeout} for it. */
  Child awaitNext(Child previous, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (children.getLast().sequence() <= previous.sequence()) {
        if (startFailure != null) {
          throw new IllegalStateException(
              "the supervisor could not start the gateway", startFailure);
        }
        if (left <= 0) {
          throw new IllegalStateException("no gateway was started within " + timeout
              + " after start " + previous.sequence() + " ended");
        }
        left = started.awaitNanos(left);
      }
      return children.get(previous.sequence());
    } finally {
      lock.unlock();
    }
  }

  int starts() {
    lock.lock();
    try {
      return children.size();
    } finally {
      lock.unlock();
    }
  }

  List<Exit> exits() {
    lock.lock();
    try {
      return List.copyOf(exits);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops supervising and ends the current gateway with SIGTERM, as a service manager's stop
   * does; returns its exit code, or -1 when it had to be killed after {@code timeout}.
   */
  int stop(Duration timeout) throws InterruptedException {
    Child last;
    lock.lock();
    try {
      stopping = true;
      last = children.getLast();
    } finally {
      lock.unlock();
    }
    last.process().destroy();
    if (!last.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      last.process().destroyForcibly();
      last.process().waitFor();
      return -1;
    }
    watcher.join(timeout.toMillis());
    return last.process().exitValue();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      stopping = true;
    } finally {
      lock.unlock();
    }
    watcher.interrupt();
    current().process().destroyForcibly();
    if (Thread.currentThread() != killOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down, and the hook is this very call
      }
    }
  }
}
