package dev.switchboard.platform.discord;

import dev.switchboard.common.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Discord's REST rate limits as the API reports them: per-route buckets learned from
 * {@code X-RateLimit-Bucket}, each kept per major parameter (the channel), with the remaining
 * count and {@code X-RateLimit-Reset-After}; and the global limit a 429 with
 * {@code "global": true} imposes on every route. A request asks how long to wait before going
 * out, and takes its slot in the bucket when it goes, so concurrent senders never overshoot a
 * bucket the API has told us about.
 *
 * <p>Hand-written: no maintained Java library implements Discord's bucket rules apart from the
 * whole of JDA.
 */
final class RateLimits {
  private static final long PROBE_WAIT = 1_000_000_000L;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, String> bucketOfRoute = new HashMap<>();
  private final Map<String, Bucket> buckets = new HashMap<>();
  private long globalUntil;

  private static final class Bucket {
    int remaining = 1;
    long resetAt = Long.MIN_VALUE / 2;
  }

  RateLimits(Ticker ticker) {
    this.ticker = ticker;
  }

  private String key(String route, String major) {
    return bucketOfRoute.getOrDefault(route, route) + ":" + major;
  }

  /**
   * How long the request must wait; zero means it may go now, and its slot is taken.
   *
   * @param route the route template, such as "POST /channels/{id}/messages"
   * @param major the major parameter's value (the channel id)
   */
  Duration acquire(String route, String major) {
    lock.lock();
    try {
      long now = ticker.nanos();
      long wait = Math.max(0, globalUntil - now);
      Bucket b = buckets.get(key(route, major));
      if (b != null) {
        if (now >= b.resetAt && b.remaining <= 0) {
          // The window passed: one request probes it, the rest wait for its answer (or a
          // second at most) instead of all rushing in.
          b.remaining = 1;
          b.resetAt = now + PROBE_WAIT;
        }
        if (b.remaining <= 0) {
          wait = Math.max(wait, b.resetAt - now);
        }
      }
      if (wait > 0) {
        return Duration.ofNanos(wait);
      }
      if (b != null) {
        b.remaining--;
      }
      return Duration.ZERO;
    } finally {
      lock.unlock();
    }
  }

  /** The answer's rate-limit headers (any may be null: the answer did not carry it). */
  void update(
      String route,
      String major,
      @Nullable String bucket,
      @Nullable String remaining,
      @Nullable String resetAfter) {
    lock.lock();
    try {
      if (bucket != null) {
        bucketOfRoute.put(route, bucket);
      }
      if (remaining == null || resetAfter == null) {
        return;
      }
      Bucket b = buckets.computeIfAbsent(key(route, major), k -> new Bucket());
      int left = Integer.parseInt(remaining.strip());
      long resetAt = ticker.nanos() + seconds(resetAfter);
      // Within the same window, requests still in flight have taken slots the answer does
      // not know of, and answers may come out of order: never raise the count there.
      boolean sameWindow = Math.abs(resetAt - b.resetAt) < 1_000_000_000L;
      b.remaining = sameWindow ? Math.min(b.remaining, left) : left;
      b.resetAt = resetAt;
    } catch (NumberFormatException e) {
      // a header we cannot read tells us nothing; the next 429 will
    } finally {
      lock.unlock();
    }
  }

  /** A 429: nothing goes to this bucket (or, when global, anywhere) for {@code retryAfter}. */
  void limited(String route, String major, Duration retryAfter, boolean global) {
    lock.lock();
    try {
      long until = ticker.nanos() + retryAfter.toNanos();
      if (global) {
        globalUntil = Math.max(globalUntil, until);
        return;
      }
      Bucket b = buckets.computeIfAbsent(key(route, major), k -> new Bucket());
      b.remaining = 0;
      b.resetAt = Math.max(b.resetAt, until);
    } finally {
      lock.unlock();
    }
  }

  private static long seconds(String value) {
    return (long) (Double.parseDouble(value.strip()) * 1_000_000_000L);
  }
}
