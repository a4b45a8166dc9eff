package dev.switchboard.common;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A warning about something that can happen in floods (requests with a wrong secret,
 * connections closed to make room): the first occurrence is logged at once, then at most one
 * line per interval, carrying how many occurred since the previous line. A flood then costs a
 * line a minute instead of filling the disk, and still shows how big it was.
 */
public final class WarningThrottle {
  private final long intervalNanos;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private long unreported;

  @GuardedBy("lock")
  private long lastReportNanos;

  @GuardedBy("lock")
  private boolean reportedBefore;

  public WarningThrottle(Duration interval, Ticker ticker) {
    this.intervalNanos = interval.toNanos();
    this.ticker = ticker;
  }

  /** Counts one occurrence; see {@link #occurred(long)}. */
  public OptionalLong occurred() {
    return occurred(1);
  }

  /**
   * Counts {@code count} occurrences. When a line is due, returns how many occurred since the
   * last one (these included), and the count starts again; otherwise empty.
   */
  public OptionalLong occurred(long count) {
    lock.lock();
    try {
      unreported += count;
      long now = ticker.nanos();
      if (reportedBefore && now - lastReportNanos < intervalNanos) {
        return OptionalLong.empty();
      }
      reportedBefore = true;
      lastReportNanos = now;
      long report = unreported;
      unreported = 0;
      return OptionalLong.of(report);
    } finally {
      lock.unlock();
    }
  }
}
