package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A message the platform refuses as sent: smaller pieces, then plain text, then a notice. */
class RefusalFallbackTest {
  private static final ChatRef CHAT = ChatRef.of("mem", "c1");
  private static final InboundMessage ASKED =
      new InboundMessage(CHAT, "m7", new Sender("u1", "Ann"), "question", false, Instant.EPOCH);
  /** 30 words of 6 letters: 209 characters, one message within the limit of 400. */
  private static final String ANSWER = IntStream.rangeClosed(1, 30)
      .mapToObj(i -> "word%02d".formatted(i))
      .collect(Collectors.joining(" "));

  private static final String NOTICE = "\u26a0\ufe0f This answer could not be delivered in full:"
      + " Mem refused it (Bad Request: message is too long).";

  private final InMemoryStore store = new InMemoryStore();
  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(400, false, Duration.ZERO));
  private final List<String> refusedOn = new CopyOnWriteArrayList<>();
  private final DeliveryEvents events = new DeliveryEvents() {
    @Override
    public void refused(String platform) {
      refusedOn.add(platform);
    }
  };

  /** A fresh process's delivery over the same outbox. */
  private Delivery delivery() {
    return new Delivery(out, store.outbox(), new ManualClock(), d -> {}, new Random(1), events);
  }

  private String key(String suffix) {
    return OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1) + suffix;
  }

  private Outbox.Entry row(String key) {
    return store.outbox().find(key).orElseThrow(() -> new AssertionError("no row for " + key));
  }

  @Test
  void aRefusedPartArrivesWholeInSmallerPiecesAndIsCountedOnce() {
    out.refuses = t -> t.length() > 150;

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    assertThat(out.sends()).hasSizeGreaterThan(1).allSatisfy(c -> {
      assertThat(c.text().length()).isLessThanOrEqualTo(ANSWER.length() / 2);
      assertThat(c.isPlain()).isFalse();
    });
    assertThat(String.join(" ", out.visible())).isEqualTo(ANSWER);
    assertThat(out.sendAttempts())
        .as("the refused send, then each piece once")
        .isEqualTo(1 + out.sends().size());
    assertThat(refusedOn).containsExactly("mem");
    assertThat(row(key(""))).satisfies(e -> {
      assertThat(e.status()).isEqualTo(Outbox.Status.SENT);
      assertThat(e.complete()).as("the whole reply arrived").isTrue();
    });
    assertThat(row(OutboxKeys.refusal(key(""))).text())
        .isEqualTo("Bad Request: message is too long");
  }

  @Test
  void aPieceRefusedAgainGoesAsPlainText() {
    String answer = ANSWER.replace("word25", "*word25*");
    out.refuses = t -> t.length() > 150 || t.contains("*");

    assertThat(delivery().openReply(ASKED, 1).finish(answer)).isTrue();

    assertThat(out.sends())
        .filteredOn(RecordingOutbound.Call::isPlain)
        .singleElement()
        .satisfies(c -> assertThat(c.text()).contains("*word25*"));
    assertThat(String.join(" ", out.visible())).isEqualTo(answer);
    assertThat(refusedOn).as("one refused reply part").containsExactly("mem");
  }

  @Test
  void whenEveryFormIsRefusedTheUserGetsOneShortNoticeWithThePlatformsReason() {
    out.refuses = t -> !t.startsWith("\u26a0");
    out.refusesPlain = t -> true;

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();

    assertThat(out.visible()).containsExactly(NOTICE);
    assertThat(out.sendAttempts())
        .as("the part, its first smaller piece, that piece plain, the notice: nothing more")
        .isEqualTo(4);
    assertThat(refusedOn).containsExactly("mem");
    assertThat(row(OutboxKeys.undelivered(key(""))).status()).isEqualTo(Outbox.Status.SENT);
  }

  @Test
  void afterARestartNothingRefusedIsSentAgainNorTheNotice() {
    out.refuses = t -> !t.startsWith("\u26a0");
    out.refusesPlain = t -> true;
    delivery().openReply(ASKED, 1).finish(ANSWER);
    int attempts = out.sendAttempts();

    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();

    assertThat(out.sendAttempts()).isEqualTo(attempts);
    assertThat(out.visible()).containsExactly(NOTICE);
    assertThat(refusedOn)
        .as("a refusal recalled from the outbox is not counted again")
        .hasSize(1);
  }

  @Test
  void aRestartInTheMiddleOfTheSmallerPiecesSendsOnlyWhatHadNotGone() {
    // What a process left when it died after the refusal and the first smaller piece.
    String part = key("");
    Outbox.Entry refused = store.outbox().claim(part, CHAT, ANSWER, ASKED.dedupeKey());
    store.outbox().markFailed(refused.id(), "sendMessage: Bad Request: message is too long");
    Outbox.Entry why =
        store.outbox().claim(OutboxKeys.refusal(part), CHAT, "too long", ASKED.dedupeKey());
    store.outbox().markFailed(why.id(), "too long");
    // as the fallback cuts it: at half its length
    List<String> pieces =
        ReplyFormat.plainText(ANSWER.length() / 2).messages(StyledText.plain(ANSWER));
    String firstPiece = pieces.getFirst();
    Outbox.Entry sent =
        store.outbox().claim(OutboxKeys.smallerPiece(part, 0), CHAT, firstPiece, ASKED.dedupeKey());
    store.outbox().markSent(sent.id(), "earlier", firstPiece, true);

    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isTrue();

    assertThat(out.sends())
        .as("neither the refused part nor the piece that reached the chat")
        .extracting(RecordingOutbound.Call::text)
        .containsExactlyElementsOf(pieces.subList(1, pieces.size()));
    assertThat(refusedOn).isEmpty();
    assertThat(row(part).complete()).isTrue();
  }

  @Test
  void aRefusedNoticeGoesInSmallerPiecesToo() {
    out.refuses = t -> t.length() > 150;

    assertThat(delivery().notice(CHAT, ANSWER, "notice:test")).isTrue();

    assertThat(String.join(" ", out.visible())).isEqualTo(ANSWER);
    assertThat(refusedOn).containsExactly("mem");
  }

  @Test
  void theNoticeQuotesALongReasonShortened() {
    String notice = RefusalFallback.notice("discord", "Invalid Form Body: " + "x".repeat(500));

    assertThat(notice)
        .startsWith("\u26a0\ufe0f This answer could not be delivered in full: Discord refused it"
            + " (Invalid Form Body: xxx")
        .endsWith("x\u2026).")
        .hasSizeLessThan(RefusalFallback.MAX_REASON + 80);
  }
}
