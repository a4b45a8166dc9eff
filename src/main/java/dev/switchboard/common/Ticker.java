package dev.switchboard.common;

/**
 * A source of monotonic time in nanoseconds. Intervals, heartbeats and deadlines read time
 * through this so tests can drive them with a fake ticker instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  static Ticker system() {
    return System::nanoTime;
  }
}
