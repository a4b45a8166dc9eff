package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReplyStreamTest {
  private static final ChatRef CHAT = new ChatRef("telegram", "42", "7");
  private static final String MARK = " \u2026";
  private static final int MAX = 100;
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  /** How the gateway splits a reply for a platform that renders nothing itself. */
  private static List<String> gatewaySplit(String text) {
    return ReplyFormat.plainText(MAX).messages(StyledText.plain(text));
  }

  private final ManualClock ticker = new ManualClock();

  private static RecordingOutbound editing() {
    return new RecordingOutbound(new PlatformLimits(MAX, true, INTERVAL));
  }

  private static RecordingOutbound notEditing() {
    return new RecordingOutbound(new PlatformLimits(MAX, false, INTERVAL));
  }

  private ReplyStream open(RecordingOutbound out) {
    return new Delivery(out, new InMemoryStore().outbox(), ticker, d -> {}, new java.util.Random(1))
        .openReply(
            new InboundMessage(
                CHAT, "m1", new Sender("u1", "User"), "question", false, Instant.EPOCH),
            1);
  }

  @Test
  void openReplyUsesTheLimitsOfTheChatsPlatform() {
    RecordingOutbound out = editing();

    open(out);

    assertThat(out.limitsAskedFor).containsExactly("telegram");
  }

  @Test
  void textSoFarIsEverythingAppended() {
    ReplyStream stream = open(editing());

    stream.append("Hel");
    stream.append("lo, ");
    stream.append("world");

    assertThat(stream.textSoFar()).isEqualTo("Hello, world");
  }

  @Test
  void aSyntheticTurnsReplyShowsNoPreviewAndADiscardedOneSendsNothingButEndsForObservers() {
    List<String> finished = new ArrayList<>();
    RecordingOutbound out = new RecordingOutbound(new PlatformLimits(MAX, true, INTERVAL)) {
      @Override
      public void replyFinished(ChatRef chat, String inReplyTo, String text) {
        finished.add(inReplyTo + "=" + text);
      }
    };
    ReplyStream stream = new Delivery(
            out, new InMemoryStore().outbox(), ticker, d -> {}, new java.util.Random(1))
        .openReply(
            new InboundMessage(
                CHAT,
                InboundMessage.SYNTHETIC_PREFIX + "job:7:1",
                new Sender(InboundMessage.SYNTHETIC_PREFIX + "job:7", "Scheduled job 7"),
                "briefing",
                true,
                Instant.EPOCH),
            1);

    stream.append("[SIL");
    ticker.advance(INTERVAL.multipliedBy(3));
    stream.append("ENT]");
    stream.discard();

    assertThat(out.calls).isEmpty();
    assertThat(finished).containsExactly("switchboard:job:7:1=");
  }

  @Nested
  class Streaming {
    private final RecordingOutbound out = editing();
    private final ReplyStream stream = open(out);

    @Test
    void quickReplyIsOneSendWithoutEdits() {
      stream.append("Hel");
      ticker.advanceMillis(999);
      stream.append("lo");

      assertThat(stream.finish("Hello")).isTrue();

      assertThat(out.calls)
          .containsExactly(new RecordingOutbound.Call("send", CHAT, "m1", "Hello"));
    }

    @Test
    void nothingIsSentBeforeTheIntervalHasPassed() {
      stream.append("a");
      ticker.advanceMillis(500);
      stream.append("b");
      ticker.advanceMillis(499);
      stream.append("c");

      assertThat(out.calls).isEmpty();
    }

    @Test
    void firstMessageIsSentOnceTheIntervalHasPassedWithATypingMark() {
      stream.append("Hello");
      ticker.advanceMillis(1000);
      stream.append(" world");

      assertThat(out.calls)
          .containsExactly(new RecordingOutbound.Call("send", CHAT, "m1", "Hello world" + MARK));
    }

    @Test
    void intervalForTheFirstMessageCountsFromOpeningTheReply() {
      ticker.advanceMillis(1500);
      stream.append("late first piece");

      assertThat(out.sends()).hasSize(1);
    }

    @Test
    void editWaitsForAFullIntervalAfterTheFirstMessage() {
      ticker.advanceMillis(1000);
      stream.append("one");
      ticker.advanceMillis(999);
      stream.append(" two");

      assertThat(out.edits()).isEmpty();

      ticker.advanceMillis(1);
      stream.append(" three");

      assertThat(out.edits())
          .containsExactly(new RecordingOutbound.Call("edit", CHAT, "m1", "one two three" + MARK));
    }

    @Test
    void editsAreThrottledToOnePerInterval() {
      // 50 pieces, one every 100 ms, for 5 seconds
      for (int i = 0; i < 50; i++) {
        ticker.advanceMillis(100);
        stream.append("x");
      }

      // first message at 1 s, then edits at 2, 3, 4 and 5 s
      assertThat(out.sends()).hasSize(1);
      assertThat(out.edits()).hasSize(4);
      assertThat(out.edits()).allSatisfy(c -> assertThat(c.messageId()).isEqualTo("m1"));
      assertThat(out.edits().getLast().text()).isEqualTo("x".repeat(50) + MARK);
    }

    @Test
    void manyPiecesWithinOneIntervalCauseNoExtraEdits() {
      ticker.advanceMillis(1000);
      stream.append("start");
      for (int i = 0; i < 20; i++) {
        stream.append(".");
      }

      assertThat(out.calls).hasSize(1);
    }

    @Test
    void finishReplacesTheStreamedMessageWithTheFinalText() {
      ticker.advanceMillis(1000);
      stream.append("Thinking");

      assertThat(stream.finish("The answer is 42.")).isTrue();

      assertThat(out.calls)
          .containsExactly(
              new RecordingOutbound.Call("send", CHAT, "m1", "Thinking" + MARK),
              new RecordingOutbound.Call("edit", CHAT, "m1", "The answer is 42."));
    }

    @Test
    void finishWithoutFinalTextPutsTheStreamedTextInPlaceWithoutTheMark() {
      ticker.advanceMillis(1000);
      stream.append("partial answer");

      stream.finish(null);

      assertThat(out.visible()).containsExactly("partial answer");
    }

    @Test
    void blankFinalTextMeansTheStreamedText() {
      stream.append("streamed");

      stream.finish("  \n ");

      assertThat(out.visible()).containsExactly("streamed");
    }

    @Test
    void replyWithNoTextAtAllSaysSo() {
      assertThat(stream.finish("")).isTrue();

      assertThat(out.visible()).containsExactly("(no reply)");
    }

    @Test
    void finishDoesNotEditWhenTheMessageAlreadyShowsTheFinalText() {
      ticker.advanceMillis(1000);
      stream.append("same");

      stream.finish("same" + MARK);

      assertThat(out.edits()).isEmpty();
    }

    @Test
    void previewLongerThanTheLimitIsNeitherSentNorEdited() {
      ticker.advanceMillis(1000);
      stream.append("y".repeat(MAX - MARK.length() + 1));

      assertThat(out.calls).isEmpty();
    }

    @Test
    void previewThatExactlyFillsTheLimitIsSent() {
      ticker.advanceMillis(1000);
      stream.append("y".repeat(MAX - MARK.length()));

      assertThat(out.sends())
          .singleElement()
          .satisfies(c -> assertThat(c.text()).hasSize(MAX));
    }

    @Test
    void streamedMessageStopsGrowingOnceThePreviewWouldBeTooLong() {
      ticker.advanceMillis(1000);
      stream.append("short start");
      ticker.advanceMillis(1000);
      stream.append("z".repeat(MAX));
      ticker.advanceMillis(1000);
      stream.append("more");

      assertThat(out.calls).hasSize(1);
      assertThat(out.calls).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(MAX));
    }

    @Test
    void longFinalTextIsSplitWithTheFirstPartReplacingTheStreamedMessage() {
      ticker.advanceMillis(1000);
      stream.append("working");
      String longText = ("word ".repeat(19) + "end.\n\n").repeat(3).strip();

      assertThat(stream.finish(longText)).isTrue();

      // The later parts go out first; the preview becomes part 0 last, so "part 0 complete"
      // in the outbox means the whole reply arrived.
      assertThat(out.calls.getLast().isEdit()).isTrue();
      assertThat(out.calls.getLast().messageId()).isEqualTo("m1");
      assertThat(out.calls.subList(1, out.calls.size() - 1))
          .allSatisfy(c -> assertThat(c.isSend()).isTrue());
      assertThat(out.visible()).isEqualTo(gatewaySplit(longText)).hasSize(3);
      assertThat(out.calls).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(MAX));
    }

    @Test
    void longStreamedTextWithoutFinalTextIsSplitToo() {
      ticker.advanceMillis(1000);
      stream.append("a ".repeat(30));
      stream.append("b ".repeat(60));

      stream.finish(null);

      assertThat(out.visible()).hasSize(2);
      assertThat(String.join(" ", out.visible()).replace(" ", ""))
          .isEqualTo("a".repeat(30) + "b".repeat(60));
    }
  }

  @Nested
  class WithoutEditSupport {
    private final RecordingOutbound out = notEditing();
    private final ReplyStream stream = open(out);

    @Test
    void nothingIsSentWhileStreaming() {
      for (int i = 0; i < 10; i++) {
        ticker.advanceMillis(1000);
        stream.append("piece " + i + " ");
      }

      assertThat(out.calls).isEmpty();
    }

    @Test
    void finalTextIsDeliveredExactlyOnce() {
      for (int i = 0; i < 10; i++) {
        ticker.advanceMillis(1000);
        stream.append("piece ");
      }

      assertThat(stream.finish("The whole answer.")).isTrue();

      assertThat(out.calls)
          .containsExactly(new RecordingOutbound.Call("send", CHAT, "m1", "The whole answer."));
    }

    @Test
    void longFinalTextIsSentAsSeveralMessagesInOrder() {
      String longText = "first paragraph " + "x".repeat(70) + "\n\nsecond paragraph "
          + "y".repeat(70) + "\n\nthird paragraph " + "z".repeat(20);

      stream.finish(longText);

      assertThat(out.edits()).isEmpty();
      assertThat(out.visible())
          .containsExactly(
              "first paragraph " + "x".repeat(70),
              "second paragraph " + "y".repeat(70),
              "third paragraph " + "z".repeat(20));
    }

    @Test
    void finishReturnsFalseWhenTheChatCannotBeReached() {
      out.sendFails = n -> true;
      stream.append("text");

      assertThat(stream.finish("text")).isFalse();
    }

    @Test
    void failureOnALaterPartReturnsFalse() {
      out.sendFails = n -> n == 2;

      assertThat(stream.finish("a".repeat(MAX) + "b".repeat(MAX))).isFalse();
      assertThat(out.visible()).containsExactly("a".repeat(MAX));
    }
  }

  @Nested
  class PlatformFailures {
    private final RecordingOutbound out = editing();
    private final ReplyStream stream = open(out);

    @Test
    void failedFirstSendStopsStreamingButTheFinalTextIsStillSent() {
      out.sendFails = n -> n == 1;
      ticker.advanceMillis(1000);
      stream.append("one");
      for (int i = 0; i < 5; i++) {
        ticker.advanceMillis(1000);
        stream.append(" more");
      }

      assertThat(out.sendAttempts()).isEqualTo(1);
      assertThat(out.editAttempts()).isZero();

      assertThat(stream.finish("final")).isTrue();
      assertThat(out.calls)
          .containsExactly(new RecordingOutbound.Call("send", CHAT, "m1", "final"));
    }

    @Test
    void failedEditStopsStreamingButTheFinalTextIsStillDelivered() {
      out.editFails = n -> n == 1;
      ticker.advanceMillis(1000);
      stream.append("one");
      ticker.advanceMillis(1000);
      stream.append(" two");
      for (int i = 0; i < 5; i++) {
        ticker.advanceMillis(1000);
        stream.append(" more");
      }

      assertThat(out.editAttempts()).isEqualTo(1);
      assertThat(out.sendAttempts()).isEqualTo(1);

      assertThat(stream.finish("final answer")).isTrue();
      assertThat(out.visible()).containsExactly("final answer");
    }

    @Test
    void failedStreamingOnLongReplyStillDeliversEveryPart() {
      out.sendFails = n -> n == 1;
      ticker.advanceMillis(1000);
      stream.append("x");
      String longText = "p ".repeat(80) + "\n\n" + "q ".repeat(80);

      assertThat(stream.finish(longText)).isTrue();

      assertThat(out.visible()).isEqualTo(gatewaySplit(longText));
    }

    @Test
    void finalTextIsDeliveredEvenWhenTheStreamedMessageCanNoLongerBeEdited() {
      out.editFails = n -> true; // e.g. the message was deleted or is too old to edit
      ticker.advanceMillis(1000);
      stream.append("one");
      ticker.advanceMillis(1000);
      stream.append(" two");

      assertThat(stream.finish("final answer")).isTrue();
      assertThat(out.visible()).contains("final answer");
    }
  }
}
