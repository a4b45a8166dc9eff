package dev.switchboard.bench;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.ConcurrentHistogram;
import tools.jackson.databind.node.ObjectNode;

/** Latency recording in microseconds, and the clock the harness and the fake share. */
final class Latency {
  private Latency() {}

  /** Up to 2 minutes, 3 significant digits. */
  static ConcurrentHistogram histogram() {
    return new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(2), 3);
  }

  /**
   * Wall-clock time in nanoseconds since the epoch. The fake stamps a bot message with
   * {@link Instant#now()} when sendMessage stores it, so the harness stamps injections with the
   * same clock (same JVM), and a latency is the difference of the two.
   */
  static long epochNanos() {
    return epochNanos(Instant.now());
  }

  static long epochNanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** Parks until the wall clock reaches {@code epochNanos} (pacing, not waiting on a condition). */
  static void parkUntilEpoch(long epochNanos) {
    long deadline = System.nanoTime() + (epochNanos - epochNanos());
    parkUntil(deadline);
  }

  /** Parks until {@link System#nanoTime()} reaches {@code deadline}. */
  static void parkUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  static void record(AbstractHistogram h, long nanos) {
    h.recordValue(Math.max(1, Math.min(nanos / 1000, h.getHighestTrackableValue())));
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  static ObjectNode json(AbstractHistogram h, ObjectNode into) {
    into.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return into;
    }
    into.put("mean_ms", round(h.getMean() / 1000.0));
    into.put("p50_ms", round(ms(h.getValueAtPercentile(50))));
    into.put("p90_ms", round(ms(h.getValueAtPercentile(90))));
    into.put("p99_ms", round(ms(h.getValueAtPercentile(99))));
    into.put("p999_ms", round(ms(h.getValueAtPercentile(99.9))));
    into.put("max_ms", round(ms(h.getMaxValue())));
    return into;
  }

  static String line(AbstractHistogram h) {
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format("p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms  (n=%d)",
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
        h.getTotalCount());
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
