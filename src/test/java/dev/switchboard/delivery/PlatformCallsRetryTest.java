package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A platform that cannot be reached for a while: its sends are retried for at least 15 s
 * whatever the random draws, so an outage shorter than that costs no reply, and for at most
 * 31 s, well within a stop's drain.
 */
class PlatformCallsRetryTest {
  private static final ChatRef CHAT = ChatRef.of("tg", "42");

  /** Refuses every call until {@code until} on the test's clock, as a platform that is down. */
  private static final class DownUntil implements Outbound {
    private final ManualClock clock;
    private final Instant until;
    int calls;

    DownUntil(ManualClock clock, Instant until) {
      this.clock = clock;
      this.until = until;
    }

    @Override
    public PlatformLimits limits(String platform) {
      return new PlatformLimits(4096, true, Duration.ZERO);
    }

    @Override
    public MessageRef send(ChatRef chat, String text) throws PlatformException {
      calls++;
      if (clock.instant().isBefore(until)) {
        throw new PlatformException("connection refused", false);
      }
      return new MessageRef(chat, "m1");
    }

    @Override
    public void edit(MessageRef message, String text) {}
  }

  @Test
  void aSendOutlastsAnOutageOfUnder15SecondsWhateverTheDraws() throws Exception {
    for (long seed = 0; seed < 200; seed++) {
      ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
      DownUntil platform = new DownUntil(clock, clock.instant().plusMillis(15_400));
      PlatformCalls calls = new PlatformCalls(platform, clock, clock, new SplittableRandom(seed));
      assertThat(calls.send(CHAT, "the answer", "k").messageId())
          .as("seed " + seed)
          .isEqualTo("m1");
      assertThat(platform.calls).isLessThanOrEqualTo(PlatformCalls.MAX_TRANSIENT_RETRIES + 1);
    }
  }

  @Test
  void aPlatformDownForLongerIsGivenUpOnWithin31Seconds() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    Instant start = clock.instant();
    DownUntil platform = new DownUntil(clock, start.plus(Duration.ofHours(1)));
    PlatformCalls calls = new PlatformCalls(platform, clock, clock, new SplittableRandom(7));
    assertThatThrownBy(() -> calls.send(CHAT, "the answer", "k"))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("connection refused");
    assertThat(platform.calls).isEqualTo(PlatformCalls.MAX_TRANSIENT_RETRIES + 1);
    assertThat(Duration.between(start, clock.instant()))
        .isBetween(Duration.ofMillis(15_500), Duration.ofSeconds(31));
  }
}
