package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Full and equal jitter as AWS defines them, over any base, cap and run of failures. */
class BackoffTest {
  /** min(cap, base * 2^n), computed without any chance of overflow. */
  private static long window(long baseNanos, long capNanos, int n) {
    BigInteger w = BigInteger.valueOf(baseNanos).shiftLeft(n);
    return w.min(BigInteger.valueOf(capNanos)).longValueExact();
  }

  @Property(tries = 300)
  void everyFullJitterWaitLiesBetweenZeroAndItsWindow(
      @ForAll @LongRange(min = 1, max = 10_000_000_000L) long baseNanos,
      @ForAll @LongRange(min = 0, max = 600_000_000_000L) long extraCapNanos,
      @ForAll @IntRange(min = 1, max = 3000) int failures,
      @ForAll long seed) {
    long capNanos = baseNanos + extraCapNanos;
    Backoff backoff = Backoff.fullJitter(
        Duration.ofNanos(baseNanos), Duration.ofNanos(capNanos), new SplittableRandom(seed));
    for (int n = 0; n < failures; n++) {
      long wait = backoff.next().toNanos();
      assertThat(wait).as("wait %d", n).isBetween(0L, window(baseNanos, capNanos, n));
    }
    assertThat(backoff.failures()).isEqualTo(failures);
  }

  @Property(tries = 300)
  void everyEqualJitterWaitLiesInTheUpperHalfOfItsWindow(
      @ForAll @LongRange(min = 1, max = 10_000_000_000L) long baseNanos,
      @ForAll @LongRange(min = 0, max = 600_000_000_000L) long extraCapNanos,
      @ForAll @IntRange(min = 1, max = 3000) int failures,
      @ForAll long seed) {
    long capNanos = baseNanos + extraCapNanos;
    Backoff backoff = Backoff.equalJitter(
        Duration.ofNanos(baseNanos), Duration.ofNanos(capNanos), new SplittableRandom(seed));
    for (int n = 0; n < failures; n++) {
      long w = window(baseNanos, capNanos, n);
      assertThat(backoff.next().toNanos()).as("wait %d", n).isBetween(w / 2, w);
    }
  }

  @Property(tries = 200)
  void resetReturnsToTheFirstStep(
      @ForAll @IntRange(min = 1, max = 200) int failures, @ForAll long seed) {
    Duration base = Duration.ofMillis(100);
    Backoff backoff = Backoff.equalJitter(base, Duration.ofSeconds(60), new SplittableRandom(seed));
    for (int n = 0; n < failures; n++) {
      backoff.next();
    }
    backoff.reset();
    assertThat(backoff.failures()).isZero();
    assertThat(backoff.next()).isBetween(base.dividedBy(2), base);
    assertThat(backoff.failures()).isEqualTo(1);
  }

  @Example
  void thousandsOfFailuresWithTheLargestCapNeitherOverflowNorThrow() {
    Duration cap = Duration.ofNanos(Long.MAX_VALUE);
    Backoff full = Backoff.fullJitter(Duration.ofNanos(1), cap, new SplittableRandom(7));
    Backoff equal = Backoff.equalJitter(Duration.ofNanos(1), cap, new SplittableRandom(7));
    Duration lastEqual = Duration.ZERO;
    for (int n = 0; n < 10_000; n++) {
      assertThat(full.next()).isBetween(Duration.ZERO, cap);
      lastEqual = equal.next();
      assertThat(lastEqual).isBetween(Duration.ZERO, cap);
    }
    assertThat(lastEqual).as("the window stays at the cap").isGreaterThan(cap.dividedBy(3));
  }

  @Example
  void fullJitterUsesTheWholeWindowAndEqualJitterOnlyItsUpperHalf() {
    Duration window = Duration.ofSeconds(1);
    List<Duration> full = new ArrayList<>();
    List<Duration> equal = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      full.add(Backoff.fullJitter(window, window, new SplittableRandom(i)).next());
      equal.add(Backoff.equalJitter(window, window, new SplittableRandom(i)).next());
    }
    assertThat(full)
        .anyMatch(d -> d.compareTo(Duration.ofMillis(100)) < 0)
        .anyMatch(d -> d.compareTo(Duration.ofMillis(900)) > 0);
    assertThat(equal)
        .allMatch(d -> d.compareTo(Duration.ofMillis(500)) >= 0)
        .anyMatch(d -> d.compareTo(Duration.ofMillis(600)) < 0);
  }

  @Example
  void aBaseAboveTheCapOrNotPositiveIsRefused() {
    SplittableRandom random = new SplittableRandom(1);
    assertThatThrownBy(() -> Backoff.fullJitter(Duration.ZERO, Duration.ofSeconds(1), random))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Backoff.fullJitter(Duration.ofSeconds(2), Duration.ofSeconds(1), random))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
