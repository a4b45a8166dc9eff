package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  private static final ChatRef CHAT = ChatRef.of("discord", "general");

  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(20, true, Duration.ZERO));
  private final Delivery delivery = new Delivery(
      out, new InMemoryStore().outbox(), new ManualClock(), d -> {}, new java.util.Random(1));

  @Test
  void noticeIsSentAndReportsSuccess() {
    assertThat(delivery.notice(CHAT, "Restarting.", null)).isTrue();

    assertThat(out.calls)
        .containsExactly(new RecordingOutbound.Call("send", CHAT, "m1", "Restarting."));
  }

  @Test
  void noticeReturnsFalseWhenThePlatformFails() {
    out.sendFails = n -> true;

    assertThat(delivery.notice(CHAT, "Restarting.", null)).isFalse();
    assertThat(out.calls).isEmpty();
  }

  @Test
  void noticeReturnsFalseOnAnUncheckedFailureToo() {
    out.sendThrowsUnchecked = new IllegalStateException("adapter bug");

    assertThat(delivery.notice(CHAT, "Restarting.", null)).isFalse();
  }

  @Test
  void longNoticeIsSplitToThePlatformLimit() {
    assertThat(delivery.notice(CHAT, "one two three four five six seven eight", null))
        .isTrue();

    assertThat(out.visible()).containsExactly("one two three four", "five six seven eight");
    assertThat(out.limitsAskedFor).containsOnly("discord");
  }

  @Test
  void noticeReturnsFalseWhenALaterPartFails() {
    out.sendFails = n -> n == 2;

    assertThat(delivery.notice(CHAT, "one two three four five six seven eight", null))
        .isFalse();
    assertThat(out.visible()).containsExactly("one two three four");
  }
}
