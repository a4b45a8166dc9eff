package dev.switchboard.delivery;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformLimits;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One platform's send rate: a token bucket per chat and one for the whole platform, plus the
 * pauses a platform imposes on a chat with a 429. A 429 that covers every chat (Discord's
 * global limit) is waited out inside the adapter, which alone can tell the two apart. Waiting
 * happens outside the lock, on the caller's (virtual) thread. Time is read from an injected
 * ticker.
 */
final class RateLimiter {
  private static final int MAX_IDLE_BUCKETS = 4096;

  private final PlatformLimits limits;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final Bucket global;

  @GuardedBy("lock")
  private final Map<String, Bucket> chats = new HashMap<>();

  RateLimiter(PlatformLimits limits, Ticker ticker, Sleeper sleeper) {
    this.limits = limits;
    this.ticker = ticker;
    this.sleeper = sleeper;
    double globalRate = limits.globalPerSecond();
    this.global = new Bucket(globalRate, Math.max(1, (int) Math.ceil(globalRate)), ticker.nanos());
  }

  /** Waits until a message to {@code chat} may go out, then takes its tokens. */
  void acquire(String chat) throws InterruptedException {
    while (true) {
      long wait;
      lock.lock();
      try {
        long now = ticker.nanos();
        Bucket bucket = chats.computeIfAbsent(
            chat, c -> new Bucket(limits.perChatPerSecond(), limits.perChatBurst(), now));
        wait = Math.max(
            bucket.pausedUntil - now,
            Math.max(global.nanosUntilToken(now), bucket.nanosUntilToken(now)));
        if (wait <= 0) {
          global.take();
          bucket.take();
          evictIdle(now);
          return;
        }
      } finally {
        lock.unlock();
      }
      sleeper.sleep(Duration.ofNanos(wait));
    }
  }

  /** True, taking the tokens, if a message may go out now; never waits (for previews). */
  boolean tryAcquire(String chat) {
    lock.lock();
    try {
      long now = ticker.nanos();
      Bucket bucket = chats.computeIfAbsent(
          chat, c -> new Bucket(limits.perChatPerSecond(), limits.perChatBurst(), now));
      if (bucket.pausedUntil - now > 0
          || global.nanosUntilToken(now) > 0
          || bucket.nanosUntilToken(now) > 0) {
        return false;
      }
      global.take();
      bucket.take();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The platform said wait: nothing more goes to {@code chat} until then. */
  void pause(String chat, Duration wait) {
    lock.lock();
    try {
      long now = ticker.nanos();
      Bucket b = chats.computeIfAbsent(
          chat, c -> new Bucket(limits.perChatPerSecond(), limits.perChatBurst(), now));
      b.pausedUntil = Math.max(b.pausedUntil, now + wait.toNanos());
    } finally {
      lock.unlock();
    }
  }

  @GuardedBy("lock")
  private void evictIdle(long now) {
    if (chats.size() > MAX_IDLE_BUCKETS) {
      chats.values().removeIf(b -> b.full(now) && b.pausedUntil - now <= 0);
    }
  }

  /** Tokens refill at {@code rate} per second up to {@code capacity}; rate 0 means no limit. */
  private static final class Bucket {
    final double rate;
    final int capacity;
    double tokens;
    long refilledAt;
    long pausedUntil;

    Bucket(double rate, int capacity, long now) {
      this.rate = rate;
      this.capacity = capacity;
      this.tokens = capacity;
      this.refilledAt = now;
      this.pausedUntil = now;
    }

    long nanosUntilToken(long now) {
      if (rate <= 0) {
        return 0;
      }
      tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * rate);
      refilledAt = now;
      return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1e9);
    }

    void take() {
      if (rate > 0) {
        tokens -= 1;
      }
    }

    boolean full(long now) {
      return rate <= 0 || (nanosUntilToken(now) == 0 && tokens >= capacity);
    }
  }
}
