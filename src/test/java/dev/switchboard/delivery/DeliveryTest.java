package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  private static final ChatRef CHAT = ChatRef.of("discord", "general");

  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(20, true, Duration.ZERO));
  private final Delivery delivery = new Delivery(out, new ManualTicker());

  @Test
  void noticeIsSentAndReportsSuccess() {
    assertThat(delivery.notice(CHAT, "Restarting.")).isTrue();

    assertThat(out.calls).containsExactly(
        new RecordingOutbound.Call("send", CHAT, "m1", "Restarting."));
  }

  @Test
  void noticeReturnsFalseWhenThePlatformFails() {
    out.sendFails = n -> true;

    assertThat(delivery.notice(CHAT, "Restarting.")).isFalse();
    assertThat(out.calls).isEmpty();
  }

  @Test
  void noticeReturnsFalseOnAnUncheckedFailureToo() {
    out.sendThrowsUnchecked = new IllegalStateException("adapter bug");

    assertThat(delivery.notice(CHAT, "Restarting.")).isFalse();
  }

  @Test
  void longNoticeIsSplitToThePlatformLimit() {
    assertThat(delivery.notice(CHAT, "one two three four five six seven eight")).isTrue();

    assertThat(out.visible()).containsExactly("one two three four", "five six seven eight");
    assertThat(out.limitsAskedFor).containsOnly("discord");
  }

  @Test
  void noticeReturnsFalseWhenALaterPartFails() {
    out.sendFails = n -> n == 2;

    assertThat(delivery.notice(CHAT, "one two three four five six seven eight")).isFalse();
    assertThat(out.visible()).containsExactly("one two three four");
  }

  @Test
  void sendPassesThePlatformFailureToTheCallerAndStops() {
    out.sendFails = n -> n == 1;

    assertThatThrownBy(() -> delivery.send(CHAT, "a".repeat(50)))
        .isInstanceOf(PlatformException.class)
        .hasMessage("send 1 failed");
    assertThat(out.sendAttempts()).isEqualTo(1);
  }

  @Test
  void sendSplitsAndSendsEveryPartInOrder() throws PlatformException {
    delivery.send(CHAT, "a".repeat(20) + "b".repeat(20) + "c".repeat(5));

    assertThat(out.visible()).containsExactly("a".repeat(20), "b".repeat(20), "c".repeat(5));
    assertThat(out.edits()).isEmpty();
  }
}
