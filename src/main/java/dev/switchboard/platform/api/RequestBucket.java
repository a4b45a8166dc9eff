package dev.switchboard.platform.api;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Ticker;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rate limit of one API key: a token bucket holding a minute's worth of requests, refilled
 * evenly. Written here rather than taken from a library because it is twenty lines and the
 * answer must carry the exact wait for Retry-After.
 */
final class RequestBucket {
  private final double capacity;
  private final double perNano;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private double tokens;

  @GuardedBy("lock")
  private long lastNanos;

  RequestBucket(int perMinute, Ticker ticker) {
    this.capacity = perMinute;
    this.perNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    this.ticker = ticker;
    this.tokens = capacity;
    this.lastNanos = ticker.nanos();
  }

  /** Takes one request's token; empty means allowed, else how long until one is free. */
  Duration take() {
    lock.lock();
    try {
      long now = ticker.nanos();
      tokens = Math.min(capacity, tokens + (now - lastNanos) * perNano);
      lastNanos = now;
      if (tokens >= 1) {
        tokens -= 1;
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
    } finally {
      lock.unlock();
    }
  }
}
