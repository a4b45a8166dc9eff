package dev.switchboard.platform.telegram.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;

/** Every request, in arrival order, with the status it was answered with. */
final class CallLog {
  /** A call in progress; {@link #finish} records how it ended. */
  final class Pending {
    private final int index;

    private Pending(int index) {
      this.index = index;
    }

    /** Records the HTTP status answered (0: the connection was dropped). */
    void finish(int status) {
      if (index < 0) {
        return; // not recorded
      }
      lock.lock();
      try {
        Call c = calls.get(index);
        calls.set(index, new Call(c.method(), c.params(), c.arrivedAt(), status, c.uploads()));
        finished.set(index, true);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock:
  private final List<Call> calls = new ArrayList<>();
  private final List<Boolean> finished = new ArrayList<>();
  private boolean recording = true;

  /**
   * Stops recording calls (a soak of hours makes millions, each with its text): from now on
   * {@link #calls} and {@link #awaitFinished} see only what came before.
   */
  void stopRecording() {
    lock.lock();
    try {
      recording = false;
    } finally {
      lock.unlock();
    }
  }

  Pending arrived(String method, JsonNode params) {
    return arrived(method, params, List.of());
  }

  Pending arrived(String method, JsonNode params, List<Upload> uploads) {
    lock.lock();
    try {
      if (!recording) {
        return new Pending(-1);
      }
      calls.add(new Call(method, params, Instant.now(), 0, uploads));
      finished.add(false);
      changed.signalAll();
      return new Pending(calls.size() - 1);
    } finally {
      lock.unlock();
    }
  }

  /** Calls of {@code method} (case-insensitive), including ones still in flight. */
  List<Call> calls(String method) {
    lock.lock();
    try {
      return matching(method, false);
    } finally {
      lock.unlock();
    }
  }

  private List<Call> matching(String method, boolean finishedOnly) {
    List<Call> result = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Call c = calls.get(i);
      if (c.method().equalsIgnoreCase(method) && (!finishedOnly || finished.get(i))) {
        result.add(new Call(
            c.method(), c.params().deepCopy(), c.arrivedAt(), c.httpStatus(), c.uploads()));
      }
    }
    return result;
  }

  /** Waits until {@code count} calls of {@code method} have been answered or dropped. */
  List<Call> awaitFinished(String method, int count, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeout.toNanos();
      while (true) {
        List<Call> done = matching(method, true);
        if (done.size() >= count) {
          return done.subList(0, count);
        }
        if (remaining <= 0) {
          throw new AssertionError("expected " + count + " finished " + method + " calls within "
              + timeout + ", got " + done.size() + ": " + done);
        }
        remaining = changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }
}
