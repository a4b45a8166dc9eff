package dev.switchboard.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a span of time (a backoff, a rate limit). Injected so tests can run backoffs
 * without waiting for them.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(Math.max(0, d.toNanos()));
}
