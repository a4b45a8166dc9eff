package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ProactiveSender.Outcome;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends on request: the target checked, then the outbox, once per idempotency key. */
class ProactiveSendTest {
  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter telegram =
      new InMemoryAdapter("telegram", new PlatformLimits(100, true, Duration.ZERO));
  private Delivery delivery;

  @BeforeEach
  void setUp() throws Exception {
    telegram.connect(m -> {}, null);
    delivery = new Delivery(new PlatformRouter(List.of(telegram)), store.outbox(), Ticker.system());
    store.journal().record(telegram.message("42", "hello"));
  }

  private ProactiveSend sends(boolean allowUnknown) {
    return new ProactiveSend(
        delivery, p -> p.equals("telegram"), store.journal(), store.homeChannels(), allowUnknown);
  }

  @Test
  void aKnownChatGetsTheTextAndTheAnswerNamesTheMessages() {
    Outcome outcome = sends(false).send("telegram:42", "Morning briefing", null);

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    Outcome.Sent sent = (Outcome.Sent) outcome;
    assertThat(sent.chat()).isEqualTo(ChatRef.of("telegram", "42"));
    assertThat(telegram.texts("42")).containsExactly("Morning briefing");
    assertThat(sent.messageIds()).containsExactly(telegram.sent().getFirst().messageId());
  }

  @Test
  void aLongTextGoesInSeveralMessagesWithinThePlatformsLimit() {
    String text = "word ".repeat(60).strip(); // 299 characters, the limit is 100

    Outcome.Sent sent = (Outcome.Sent) sends(false).send("telegram:42", text, null);

    assertThat(sent.messageIds()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(String.join(" ", telegram.texts("42"))).isEqualTo(text);
  }

  @Test
  void theSameIdempotencyKeySendsOnceAndAnswersAlike() {
    Outcome first = sends(false).send("telegram:42", "Report ready", "report-1");
    Outcome again = sends(false).send("telegram:42", "Report ready", "report-1");

    assertThat(again).isEqualTo(first);
    assertThat(telegram.texts("42")).containsExactly("Report ready");
  }

  @Test
  void aThreadIsKept() {
    Outcome.Sent sent = (Outcome.Sent) sends(false).send("telegram:42:7", "in the topic", null);

    assertThat(sent.chat()).isEqualTo(new ChatRef("telegram", "42", "7"));
    assertThat(telegram.sent().getFirst().chat().threadId()).isEqualTo("7");
  }

  @Test
  void anUnknownChatIsRefusedUnlessAllowedOrAHome() {
    assertThat(sends(false).send("telegram:-100555", "hi", null))
        .isEqualTo(new Outcome.Refused(
            403,
            "Switchboard has not talked with telegram:-100555 (no message from it within the"
                + " journal's retention, and it is no home channel); set"
                + " send.allow_unknown_targets: true to send to any chat"));
    assertThat(telegram.sent()).isEmpty();

    assertThat(sends(true).send("telegram:-100555", "hi", null)).isInstanceOf(Outcome.Sent.class);
    store.homeChannels().set(new ChatRef("telegram", "-100777", "3"));
    assertThat(sends(false).send("telegram:-100777:3", "to the home", null))
        .isInstanceOf(Outcome.Sent.class);
  }

  @Test
  void badRequestsAreRefusedWithTheReasonAndSendNothing() {
    assertThat(refusal("telegram", "hi", null)).startsWith("400 target 'telegram' is not");
    assertThat(refusal("telegram:42:7:9", "hi", null)).startsWith("400 target");
    assertThat(refusal("telegram::7", "hi", null)).startsWith("400 target");
    assertThat(refusal("telegram:42", "  ", null)).isEqualTo("400 text is empty");
    assertThat(refusal("telegram:42", "x".repeat(ProactiveSend.MAX_TEXT + 1), null))
        .startsWith("413 text is 32001 characters");
    assertThat(refusal("telegram:42", "hi", "has space")).startsWith("400 idempotency key");
    assertThat(refusal("matrix:42", "hi", null))
        .isEqualTo("404 no platform named 'matrix' is enabled on this gateway");
    assertThat(telegram.sent()).isEmpty();
  }

  private String refusal(String target, String text, String key) {
    Outcome.Refused r = (Outcome.Refused) sends(false).send(target, text, key);
    return r.status() + " " + r.reason();
  }
}
