package dev.switchboard.testing;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when the test moves it. One timeline is read three ways: as a monotonic
 * {@link Ticker}, as a wall {@link Clock}, and slept on as a {@link Sleeper} (a sleep takes no
 * real time: it is recorded and moves the timeline on by its span), so intervals, deadlines,
 * expiries and backoffs run without waiting. Code under test may read it on its own threads
 * while the test advances it.
 */
public final class ManualClock extends Clock implements Ticker, Sleeper {
  /** Where the wall clock starts unless a test says otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
  /** The ticker starts far from zero, so no code can get away with assuming zero. */
  private static final long TICKER_ORIGIN = 7_000_000_000L;

  private final Instant start;
  private final AtomicLong elapsedNanos;
  /** How far the wall clock was set away from the timeline ({@link #jumpWallClock}). */
  private final AtomicLong wallOffsetNanos;

  private final List<Duration> sleeps;
  private final ZoneId zone;

  public ManualClock() {
    this(DEFAULT_START);
  }

  public ManualClock(Instant start) {
    this(start, new AtomicLong(), new AtomicLong(), new CopyOnWriteArrayList<>(), ZoneOffset.UTC);
  }

  private ManualClock(
      Instant start,
      AtomicLong elapsedNanos,
      AtomicLong wallOffsetNanos,
      List<Duration> sleeps,
      ZoneId zone) {
    this.start = start;
    this.elapsedNanos = elapsedNanos;
    this.wallOffsetNanos = wallOffsetNanos;
    this.sleeps = sleeps;
    this.zone = zone;
  }

  /** Moves time on; it never goes back. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + d);
    }
    elapsedNanos.addAndGet(d.toNanos());
  }

  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /**
   * Sets the wall clock forward (positive) or back (negative) by {@code d}, as an operator or
   * NTP stepping the system clock would; the ticker, monotonic, does not move, and neither does
   * time go by.
   */
  public void jumpWallClock(Duration d) {
    wallOffsetNanos.addAndGet(d.toNanos());
  }

  /** Moves the wall clock on to {@code later}, and the ticker with it. */
  public void advanceTo(Instant later) {
    advance(Duration.between(instant(), later));
  }

  @Override
  public long nanos() {
    return TICKER_ORIGIN + elapsedNanos.get();
  }

  @Override
  public Instant instant() {
    return start.plusNanos(elapsedNanos.get() + wallOffsetNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same timeline, shown in another zone. */
  @Override
  public Clock withZone(ZoneId other) {
    return other.equals(zone)
        ? this
        : new ManualClock(start, elapsedNanos, wallOffsetNanos, sleeps, other);
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before sleeping " + d);
    }
    sleeps.add(d);
    if (d.isPositive()) {
      advance(d);
    }
  }

  /** Every span slept so far, in order. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }
}
