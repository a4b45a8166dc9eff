package dev.switchboard.platform.signal;

import java.time.Duration;

/**
 * The wait before restarting a signal-cli that died: the first delay, doubled after each
 * failure in a row up to the cap. No jitter, unlike {@link dev.switchboard.common.Backoff}:
 * one local child has no crowd to spread out, and a predictable wait reads better in the log.
 * Not thread-safe: the watcher alone uses it.
 */
final class RestartBackoff {
  private final Duration first;
  private final Duration cap;
  private Duration next;

  RestartBackoff(Duration first, Duration cap) {
    if (!first.isPositive() || cap.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= cap, got " + first + " and " + cap);
    }
    this.first = first;
    this.cap = cap;
    this.next = first;
  }

  /** The wait before this restart; the one after is twice as long, at most the cap. */
  Duration next() {
    Duration now = next;
    next = now.compareTo(cap.dividedBy(2)) > 0 ? cap : now.multipliedBy(2);
    return now;
  }

  /** After a child that ran long enough: the next wait is the first one again. */
  void reset() {
    next = first;
  }
}
