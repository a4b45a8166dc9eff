package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private final ManualClock ticker = new ManualClock();

  @Test
  void remainingShrinksWithTimeAndStopsAtZero() {
    Deadline d = Deadline.after(Duration.ofSeconds(10), ticker);
    ticker.advance(Duration.ofSeconds(4));
    assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(6));
    assertThat(d.remainingAtMost(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    ticker.advance(Duration.ofSeconds(7));
    assertThat(d.remaining()).isZero();
    assertThat(d.expired()).isTrue();
  }

  @Test
  void orSoonerTakesTheEarlierEnd() {
    Deadline far = Deadline.after(Duration.ofSeconds(60), ticker);
    assertThat(far.orSooner(Duration.ofSeconds(5)).remaining()).isEqualTo(Duration.ofSeconds(5));
    Deadline near = Deadline.after(Duration.ofSeconds(3), ticker);
    assertThat(near.orSooner(Duration.ofSeconds(5))).isSameAs(near);
  }
}
