package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private final AtomicLong now = new AtomicLong();
  private final Ticker ticker = now::get;

  @Test
  void remainingShrinksWithTimeAndStopsAtZero() {
    Deadline d = Deadline.after(Duration.ofSeconds(10), ticker);
    now.set(Duration.ofSeconds(4).toNanos());
    assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(6));
    assertThat(d.remainingAtMost(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    now.set(Duration.ofSeconds(11).toNanos());
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
