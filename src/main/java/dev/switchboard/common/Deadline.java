package dev.switchboard.common;

import java.time.Duration;

/**
 * One budget for a multi-phase operation: each later phase gets only the time that is left
 * (Jetty's {@code Server.doStop()} does the same).
 */
public final class Deadline {
  private final Ticker ticker;
  private final long endNanos;

  private Deadline(Ticker ticker, long endNanos) {
    this.ticker = ticker;
    this.endNanos = endNanos;
  }

  public static Deadline after(Duration budget, Ticker ticker) {
    long now = ticker.nanos();
    long nanos = budget.isNegative() ? 0 : saturatedNanos(budget);
    return new Deadline(ticker, now + nanos);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  public Duration remaining() {
    long left = endNanos - ticker.nanos();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** The smaller of {@code cap} and the time left. */
  public Duration remainingAtMost(Duration cap) {
    Duration left = remaining();
    return left.compareTo(cap) < 0 ? left : cap;
  }

  /** This deadline, or {@code budget} from now if that comes sooner. */
  public Deadline orSooner(Duration budget) {
    long candidate = ticker.nanos() + Math.max(0, saturatedNanos(budget));
    return candidate - endNanos < 0 ? new Deadline(ticker, candidate) : this;
  }

  public boolean expired() {
    return endNanos - ticker.nanos() <= 0;
  }
}
