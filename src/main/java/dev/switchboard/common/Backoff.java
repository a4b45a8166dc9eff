package dev.switchboard.common;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, as in AWS's "Exponential Backoff and Jitter": the wait
 * after the n-th failure in a row (counting from 0) is drawn uniformly from [0, min(cap, base
 * * 2^n)] ("full jitter"), so that many clients failing together do not come back together.
 * {@link #reset} after a success starts over at the first step.
 *
 * <p>{@link #equalJitter} draws from the upper half of that window instead, for a loop that
 * must wait at least something between attempts: a server that closes every connection at
 * once would otherwise be met with reconnects at once about as often as not.
 *
 * <p>Not thread-safe: one owner, one sequence of failures.
 */
public final class Backoff {
  private final long baseNanos;
  private final long capNanos;
  private final boolean atLeastHalf;
  private final RandomGenerator random;
  private int failures;

  private Backoff(Duration base, Duration cap, boolean atLeastHalf, RandomGenerator random) {
    if (!base.isPositive() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap, got " + base + " and " + cap);
    }
    this.baseNanos = base.toNanos();
    this.capNanos = Math.min(cap.toNanos(), Long.MAX_VALUE - 1); // room for the bound below
    this.atLeastHalf = atLeastHalf;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Waits drawn from [0, min(cap, base * 2^n)]. */
  public static Backoff fullJitter(Duration base, Duration cap, RandomGenerator random) {
    return new Backoff(base, cap, false, random);
  }

  /** Waits drawn from [w / 2, w] with w = min(cap, base * 2^n). */
  public static Backoff equalJitter(Duration base, Duration cap, RandomGenerator random) {
    return new Backoff(base, cap, true, random);
  }

  /** The wait before the next attempt; each call is one more failure in a row. */
  public Duration next() {
    long window = window(failures);
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    long floor = atLeastHalf ? window / 2 : 0;
    return Duration.ofNanos(random.nextLong(floor, window + 1));
  }

  /** After a success: the next wait is drawn from the first window again. */
  public void reset() {
    failures = 0;
  }

  /** Failures since the last reset. */
  public int failures() {
    return failures;
  }

  /** min(cap, base * 2^n), without overflowing however large n grows. */
  private long window(int n) {
    // base > cap / 2^n means base * 2^n > cap; shifts of 63 or more would wrap around.
    if (n >= Long.SIZE - 1 || baseNanos > capNanos >> n) {
      return capNanos;
    }
    return baseNanos << n;
  }
}
