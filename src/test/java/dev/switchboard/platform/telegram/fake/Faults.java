package dev.switchboard.platform.telegram.fake;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Faults armed by a test, per method name (case-insensitive; "*" matches every method). Taking
 * a counted fault uses it up. Thread-safe, and may be changed while a client is connected.
 */
final class Faults {
  static final String ANY = "*";

  /** A canned error reply. */
  record Failure(int status, String description, Integer retryAfter) {}

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private final Map<String, Deque<Failure>> failures = new HashMap<>();
  private final Map<String, Integer> drops = new HashMap<>();
  private final Map<String, Integer> malformed = new HashMap<>();
  private final Map<String, Integer> truncations = new HashMap<>();
  private final Map<String, Duration> delays = new HashMap<>();
  private boolean conflictFlood;

  private static String key(String method) {
    return method.toLowerCase(Locale.ROOT);
  }

  void failNext(String method, int times, Failure failure) {
    lock.lock();
    try {
      Deque<Failure> queue = failures.computeIfAbsent(key(method), k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) {
        queue.addLast(failure);
      }
    } finally {
      lock.unlock();
    }
  }

  void dropConnections(String method, int times) {
    add(drops, method, times);
  }

  void malformedJson(String method, int times) {
    add(malformed, method, times);
  }

  void truncate(String method, int times) {
    add(truncations, method, times);
  }

  private void add(Map<String, Integer> counts, String method, int times) {
    lock.lock();
    try {
      counts.merge(key(method), times, Integer::sum);
    } finally {
      lock.unlock();
    }
  }

  /** Holds every answer to {@code method} for {@code d}; zero removes the delay. */
  void delay(String method, Duration d) {
    lock.lock();
    try {
      if (d.isZero()) {
        delays.remove(key(method));
      } else {
        delays.put(key(method), d);
      }
    } finally {
      lock.unlock();
    }
  }

  void conflictFlood(boolean on) {
    lock.lock();
    try {
      conflictFlood = on;
    } finally {
      lock.unlock();
    }
  }

  boolean conflictFlood() {
    lock.lock();
    try {
      return conflictFlood;
    } finally {
      lock.unlock();
    }
  }

  Optional<Failure> takeFailure(String method) {
    lock.lock();
    try {
      for (String k : new String[] {key(method), ANY}) {
        Deque<Failure> queue = failures.get(k);
        if (queue != null && !queue.isEmpty()) {
          return Optional.of(queue.removeFirst());
        }
      }
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  boolean takeDrop(String method) {
    return take(drops, method);
  }

  boolean takeMalformed(String method) {
    return take(malformed, method);
  }

  boolean takeTruncation(String method) {
    return take(truncations, method);
  }

  private boolean take(Map<String, Integer> counts, String method) {
    lock.lock();
    try {
      for (String k : new String[] {key(method), ANY}) {
        Integer left = counts.get(k);
        if (left != null && left > 0) {
          counts.put(k, left - 1);
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  Duration delay(String method) {
    lock.lock();
    try {
      return delays.getOrDefault(key(method), delays.getOrDefault(ANY, Duration.ZERO));
    } finally {
      lock.unlock();
    }
  }
}
