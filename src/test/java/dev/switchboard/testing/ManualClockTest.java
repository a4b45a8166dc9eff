package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private static final Instant START = Instant.parse("2026-05-01T08:00:00Z");

  private final ManualClock clock = new ManualClock(START);

  @Test
  void standsStillUntilAdvancedThenTickerAndWallClockMoveTogether() {
    long nanos = clock.nanos();
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.nanos()).isEqualTo(nanos);

    clock.advance(Duration.ofMillis(1500));
    clock.advanceMillis(500);

    assertThat(clock.nanos() - nanos).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(2));
    assertThat(clock.millis()).isEqualTo(START.plusSeconds(2).toEpochMilli());
  }

  @Test
  void aWallClockJumpMovesOnlyTheWallClockEitherWay() {
    long nanos = clock.nanos();
    clock.jumpWallClock(Duration.ofHours(-3));
    assertThat(clock.instant()).isEqualTo(START.minusSeconds(3 * 3600));
    assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant())
        .isEqualTo(START.minusSeconds(3 * 3600));
    assertThat(clock.nanos()).isEqualTo(nanos);

    clock.advance(Duration.ofSeconds(10));
    clock.jumpWallClock(Duration.ofDays(1));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(10 - 3 * 3600 + 86_400));
    assertThat(clock.nanos() - nanos).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void theTickerDoesNotStartAtZero() {
    assertThat(clock.nanos()).isNotZero();
  }

  @Test
  void advanceToMovesTheWallClockToAnInstantAndNeverBack() {
    long nanos = clock.nanos();
    clock.advanceTo(START.plusSeconds(90));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(90));
    assertThat(clock.nanos() - nanos).isEqualTo(Duration.ofSeconds(90).toNanos());

    assertThatThrownBy(() -> clock.advanceTo(START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(90));
  }

  @Test
  void aSleepTakesNoRealTimeIsRecordedAndMovesTimeOn() throws InterruptedException {
    clock.sleep(Duration.ofSeconds(15));
    clock.sleep(Duration.ZERO);
    clock.sleep(Duration.ofSeconds(-3));

    assertThat(clock.sleeps())
        .containsExactly(Duration.ofSeconds(15), Duration.ZERO, Duration.ofSeconds(-3));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(15));
  }

  @Test
  void anInterruptedSleeperThrowsAndDoesNotMoveTime() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> clock.sleep(Duration.ofSeconds(1)))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(clock.sleeps()).isEmpty();
    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void anotherZoneShowsTheSameTimeline() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    Clock inParis = clock.withZone(paris);
    clock.advance(Duration.ofMinutes(5));

    assertThat(inParis.getZone()).isEqualTo(paris);
    assertThat(inParis.instant()).isEqualTo(clock.instant());
    assertThat(clock.withZone(clock.getZone())).isSameAs(clock);
  }
}
