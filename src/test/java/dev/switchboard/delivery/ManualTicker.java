package dev.switchboard.delivery;

import dev.switchboard.common.Ticker;
import java.time.Duration;

/** A ticker the test advances by hand; starts far from zero so no code can assume zero. */
final class ManualTicker implements Ticker {
  private long now = 7_000_000_000L;

  @Override
  public long nanos() {
    return now;
  }

  void advance(Duration d) {
    now += d.toNanos();
  }

  void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }
}
