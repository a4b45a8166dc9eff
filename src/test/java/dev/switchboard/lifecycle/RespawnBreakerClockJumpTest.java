package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clock jump: the respawn breaker's window spans processes, so it is kept in wall-clock time
 * (the only time two processes share). A wall clock set back must not make old starts count as
 * recent for as long as it was moved; one set forward lets a crash loop through once at most.
 * Either way the breaker holds back a crash loop that goes on after the jump.
 */
class RespawnBreakerClockJumpTest {
  private static final RespawnBreaker.Settings SETTINGS =
      new RespawnBreaker.Settings(3, Duration.ofMinutes(10), Duration.ofSeconds(10));
  private static final GatewayState CRASHED = new GatewayState(
      7,
      GatewayState.STOPPED,
      "v",
      "h",
      ManualClock.DEFAULT_START,
      ManualClock.DEFAULT_START,
      1,
      "loop died",
      false,
      0,
      null,
      Map.of(),
      null,
      null,
      null);

  @TempDir
  Path home;

  private final ManualClock clock = new ManualClock();

  /** A start after a crash, a second after the one before. */
  private Optional<GatewayState.CrashLoop> crashAndStart() {
    clock.advance(Duration.ofSeconds(1));
    return RespawnBreaker.onStart(home, Optional.of(CRASHED), SETTINGS, clock.instant());
  }

  @Test
  void aWallClockSetBackDoesNotKeepOldStartsInTheWindow() {
    for (int i = 0; i < 3; i++) {
      assertThat(crashAndStart()).isEmpty();
    }
    clock.jumpWallClock(Duration.ofDays(-1));
    // Without care the three starts "a day ahead" would count: this would be the 4th.
    assertThat(crashAndStart()).isEmpty();
    assertThat(crashAndStart()).isEmpty();
    assertThat(crashAndStart()).isEmpty();
    Instant now = clock.instant().plusSeconds(1);
    assertThat(crashAndStart()).hasValueSatisfying(loop -> {
      assertThat(loop.unplannedStarts()).isEqualTo(4);
      assertThat(loop.delaySeconds()).isEqualTo(10);
      assertThat(loop.connectAt()).isEqualTo(now.plusSeconds(10));
    });
  }

  @Test
  void aWallClockSetForwardLetsACrashLoopThroughOnceThenHoldsItBack() {
    for (int i = 0; i < 3; i++) {
      assertThat(crashAndStart()).isEmpty();
    }
    clock.jumpWallClock(Duration.ofDays(1));
    assertThat(crashAndStart()).isEmpty(); // the three before look a day old
    assertThat(crashAndStart()).isEmpty();
    assertThat(crashAndStart()).isEmpty();
    assertThat(crashAndStart())
        .hasValueSatisfying(loop -> assertThat(loop.unplannedStarts()).isEqualTo(4));
  }
}
