package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A reply whose delivery a crash cut off, delivered again by the next process. */
class RedeliveryTest {
  private static final ChatRef CHAT = ChatRef.of("mem", "c1");
  private static final InboundMessage ASKED =
      new InboundMessage(CHAT, "m7", new Sender("u1", "Ann"), "question", false, Instant.EPOCH);
  private static final String MARK = "\u21bb Resent after a restart";

  private final InMemoryStore store = new InMemoryStore();
  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(40, true, Duration.ZERO));
  private final Delivery delivery =
      new Delivery(out, store.outbox(), new ManualClock(), d -> {}, new java.util.Random(1));

  private Outbox.Entry leftSending(int part, String text) {
    Outbox.Entry e = store
        .outbox()
        .claim(OutboxKeys.replyPrefix(ASKED.dedupeKey(), 1) + part, CHAT, text, ASKED.dedupeKey());
    store.outbox().markSending(e.id(), text);
    return e;
  }

  @Test
  void aMessageWhoseOutcomeIsUnknownIsSentAgainMarked() {
    leftSending(0, "short answer");

    assertThat(delivery.redeliver(ASKED, 1, "short answer")).isTrue();

    assertThat(out.visible()).containsExactly(MARK + "\nshort answer");
    assertThat(
            store.outbox().find(OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1)).orElseThrow())
        .satisfies(e -> {
          assertThat(e.status()).isEqualTo(Outbox.Status.SENT);
          assertThat(e.complete()).isTrue();
        });
  }

  @Test
  void onAPlatformThatDropsRepeatsItIsSentAgainAsItWasUnderTheSameKey() {
    out.idempotent = true;
    leftSending(0, "short answer");

    assertThat(delivery.redeliver(ASKED, 1, "short answer")).isTrue();

    assertThat(out.visible()).containsExactly("short answer");
    assertThat(out.sendKeys).containsExactly(OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1));
  }

  @Test
  void whatReachedTheChatIsNotSentAgainAndWhatNeverLeftGoesUnmarked() {
    String reply = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj";
    var parts = ReplyFormat.plainText(40).messages(StyledText.plain(reply)); // as delivery splits
    assertThat(parts).hasSize(2);
    Outbox.Entry first = store
        .outbox()
        .claim(
            OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1), CHAT, parts.get(0), ASKED.dedupeKey());
    store.outbox().markSent(first.id(), "earlier", parts.get(0), false);

    assertThat(delivery.redeliver(ASKED, 1, reply)).isTrue();

    assertThat(out.sends()).extracting(RecordingOutbound.Call::text).containsExactly(parts.get(1));
  }

  @Test
  void aMessageWithNoRoomForTheMarkIsPrecededByTheMarkOnItsOwn() {
    String full = "x".repeat(38); // fits the limit of 40, not with the mark in front
    leftSending(0, full);

    assertThat(delivery.redeliver(ASKED, 1, full)).isTrue();

    assertThat(out.visible()).containsExactly(MARK + ":", full);
  }

  @Test
  void anEditWhoseOutcomeIsUnknownIsMadeAgain() {
    out.editFailure = PlatformException.Kind.UNKNOWN_OUTCOME;
    out.editFails = n -> n == 1;
    var preview = store
        .outbox()
        .claim(
            OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1),
            CHAT,
            "short \u2026",
            ASKED.dedupeKey());
    MessageRef shown;
    try {
      shown = out.send(CHAT, "short \u2026");
    } catch (PlatformException e) {
      throw new AssertionError(e);
    }
    store.outbox().markSent(preview.id(), shown.messageId(), "short \u2026", false);

    assertThat(delivery.redeliver(ASKED, 1, "short answer")).isTrue();

    assertThat(out.editAttempts()).isEqualTo(2);
    assertThat(out.visible()).containsExactly("short answer");
  }
}
