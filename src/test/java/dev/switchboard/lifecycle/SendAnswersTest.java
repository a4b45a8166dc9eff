package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.AdminSend;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.ProactiveSender;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** switchboard send's answers: what the sender did, or a standby's refusal naming the active. */
class SendAnswersTest {
  private final AtomicInteger sends = new AtomicInteger();
  private final ProactiveSender sender = (target, text, files, key) -> {
    sends.incrementAndGet();
    return new ProactiveSender.Outcome.Sent(new ChatRef("telegram", "42", null), List.of("7"));
  };

  @Test
  void theActiveGatewaySends() {
    AdminSend.Answer a =
        new SendAnswers(sender, Optional::empty).send("telegram:42", "hi", null, List.of());
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().toString()).contains("\"message_ids\":[\"7\"]");
    assertThat(sends).hasValue(1);
  }

  @Test
  void aStandbySendsNothingAndNamesTheActiveGateway() {
    AdminSend.Answer a = new SendAnswers(sender, () -> Optional.of("node-1:/srv/sb"))
        .send("telegram:42", "hi", null, List.of());
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.body().path("error").asString())
        .contains("standing by")
        .contains("node-1:/srv/sb is the active one");
    assertThat(sends).hasValue(0);
  }
}
