package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {
  private final ManualClock clock = new ManualClock();
  private final WarningThrottle throttle = new WarningThrottle(Duration.ofMinutes(1), clock);

  @Test
  void theFirstIsReportedAtOnceThenOneLineAMinuteWithTheCountSinceTheLast() {
    assertThat(throttle.occurred()).isEqualTo(OptionalLong.of(1));
    for (int i = 0; i < 999; i++) {
      clock.advance(Duration.ofMillis(50));
      assertThat(throttle.occurred()).isEmpty();
    }
    clock.advance(Duration.ofSeconds(11)); // 49.95 s + 11 s since the first line
    assertThat(throttle.occurred()).isEqualTo(OptionalLong.of(1000));
    clock.advance(Duration.ofSeconds(59));
    assertThat(throttle.occurred(5)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.occurred()).isEqualTo(OptionalLong.of(6));
  }

  @Test
  void afterAQuietMinuteTheNextIsReportedAtOnce() {
    assertThat(throttle.occurred()).isEqualTo(OptionalLong.of(1));
    clock.advance(Duration.ofHours(3));
    assertThat(throttle.occurred()).isEqualTo(OptionalLong.of(1));
  }
}
