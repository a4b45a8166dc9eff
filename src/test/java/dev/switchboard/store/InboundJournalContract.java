package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.InboundJournal.Entry;
import dev.switchboard.store.InboundJournal.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link InboundJournal}: recorded once, followed through its turns until done. */
abstract class InboundJournalContract extends StorePartContract {
  private InboundJournal journal() {
    return store.journal();
  }

  private static InboundMessage message(String chat, String id, String text) {
    return new InboundMessage(
        new ChatRef("telegram", chat, "7"),
        id,
        new Sender("u" + chat, "User " + chat),
        text,
        false,
        T0.minusSeconds(5));
  }

  private Entry only() {
    assertThat(journal().unfinished()).hasSize(1);
    return journal().unfinished().getFirst();
  }

  @Test
  void aNewMessageIsRecordedAsPendingWithNoAttemptYet() {
    InboundMessage m = message("1", "10", "hello");

    assertThat(journal().record(m)).isTrue();

    Entry e = only();
    assertThat(e.message()).isEqualTo(m);
    assertThat(e.status()).isEqualTo(Status.PENDING);
    assertThat(e.attempts()).isZero();
    assertThat(e.outcome()).isNull();
  }

  @Test
  void theRecordedMessageComesBackWhole() {
    InboundMessage inGroup = new InboundMessage(
        new ChatRef("slack", "C1", null),
        "1.000200",
        new Sender("U9", "Zoë \ud83d\ude80"),
        "line one\nline \u2603 two",
        true,
        T0.plusMillis(123));
    InboundMessage inThread = new InboundMessage(
        new ChatRef("discord", "55", "66"), "77", new Sender("8", "eight"), "x", false, T0);

    journal().record(inGroup);
    journal().record(inThread);

    assertThat(journal().unfinished())
        .extracting(Entry::message)
        .containsExactly(inGroup, inThread);
  }

  @Test
  void attachmentsComeBackWithTheMessageAndTheirStoredHashesAfterRecordAttachments() {
    Attachment photo = new Attachment(AttachmentKind.IMAGE, "image/jpeg", 52_311, null, "AgAD-1");
    Attachment pdf =
        new Attachment(AttachmentKind.DOCUMENT, "application/pdf", -1, "Bericht ü.pdf", "BQAD-2");
    InboundMessage m = message("1", "10", "").withAttachments(List.of(photo, pdf));
    InboundMessage other = message("1", "11", "text alone");

    journal().record(m);
    journal().record(other);
    assertThat(journal().unfinished()).extracting(Entry::message).containsExactly(m, other);
    assertThat(journal().storedAttachments()).isEmpty();

    String sha = "ab".repeat(32);
    InboundMessage fetched = m.withAttachments(List.of(photo.stored(sha, 52_000), pdf));
    journal().recordAttachments(fetched);

    assertThat(journal().unfinished()).extracting(Entry::message).containsExactly(fetched, other);
    assertThat(journal().storedAttachments()).containsExactly(sha);
    journal().markRunning(fetched);
    journal().markDone(fetched, "answered");
    assertThat(journal().storedAttachments())
        .as("a finished message keeps its files until it is forgotten")
        .containsExactly(sha);
  }

  @Test
  void aRedeliveryIsRecognisedWhileWaitingAndAfterTheMessageIsDone() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);

    assertThat(journal().record(m)).as("redelivery while pending").isFalse();
    journal().markRunning(m);
    assertThat(journal().record(m)).as("redelivery while running").isFalse();
    journal().markDone(m, "answered");
    assertThat(journal().record(m)).as("redelivery after the answer").isFalse();
    assertThat(journal().unfinished()).isEmpty();
  }

  @Test
  void aMessageIsIdentifiedByPlatformChatAndMessageId() {
    journal().record(message("1", "10", "hello"));

    assertThat(journal().record(message("2", "10", "other chat"))).isTrue();
    assertThat(journal()
            .record(new InboundMessage(
                new ChatRef("discord", "1", "7"),
                "10",
                new Sender("u1", "User 1"),
                "other platform",
                false,
                T0)))
        .isTrue();
    assertThat(journal()
            .record(new InboundMessage(
                new ChatRef("telegram", "1", "8"),
                "10",
                new Sender("u1", "User 1"),
                "same chat, another thread",
                false,
                T0)))
        .as("the thread is not part of a message's identity")
        .isFalse();
    assertThat(journal().unfinished())
        .extracting(e -> e.message().text())
        .containsExactly("hello", "other chat", "other platform");
  }

  @Test
  void unfinishedMessagesComeInTheOrderTheyWereRecorded() {
    InboundMessage late = new InboundMessage(
        ChatRef.of("telegram", "1"),
        "30",
        new Sender("a", "A"),
        "received last, recorded first",
        false,
        T0.plusSeconds(30));
    InboundMessage early = new InboundMessage(
        ChatRef.of("telegram", "1"),
        "10",
        new Sender("a", "A"),
        "received first, recorded second",
        false,
        T0.plusSeconds(10));
    journal().record(late);
    journal().record(early);
    journal().record(message("2", "20", "third"));

    List<Entry> unfinished = journal().unfinished();
    assertThat(unfinished)
        .extracting(e -> e.message().messageId())
        .containsExactly("30", "10", "20");
    assertThat(unfinished).extracting(Entry::id).doesNotHaveDuplicates();
  }

  @Test
  void theStatusFollowsTheTurnsUntilDone() {
    InboundMessage m = message("1", "10", "hello");
    InboundMessage other = message("1", "11", "second");
    journal().record(m);
    journal().record(other);

    assertThat(journal().markRunning(m)).isEqualTo(1);
    assertThat(journal().unfinished().getFirst().status()).isEqualTo(Status.RUNNING);
    assertThat(journal().unfinished().getFirst().attempts()).isEqualTo(1);

    journal().markPending(m); // a stop cut the turn short
    Entry deferred = journal().unfinished().getFirst();
    assertThat(deferred.status()).isEqualTo(Status.PENDING);
    assertThat(deferred.attempts()).as("a deferred turn still counts").isEqualTo(1);
    assertThat(deferred.outcome()).isNull();

    assertThat(journal().markRunning(m)).isEqualTo(2);
    journal().markDone(m, "answered");
    assertThat(journal().unfinished())
        .extracting(e -> e.message().messageId())
        .containsExactly("11");
    assertThat(journal().unfinished().getFirst().status()).isEqualTo(Status.PENDING);
  }

  @Test
  void everyTurnStartedCountsAnAttemptEvenWithoutADeferral() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);

    assertThat(journal().markRunning(m)).isEqualTo(1);
    // the process died while it ran; the next one runs it again
    assertThat(journal().markRunning(m)).isEqualTo(2);
    assertThat(journal().markRunning(m)).isEqualTo(3);
    assertThat(only().attempts()).isEqualTo(3);
    assertThat(only().status()).isEqualTo(Status.RUNNING);
  }

  @Test
  void theAgentsReplyIsKeptWithItsAttemptUntilTheNextAttemptStarts() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);
    assertThat(only().reply()).isNull();
    journal().markRunning(m);

    journal().recordReply(m, "the whole answer\nwith two lines \u2603");

    assertThat(only().reply()).isEqualTo("the whole answer\nwith two lines \u2603");
    assertThat(only().status()).isEqualTo(Status.RUNNING);
    assertThat(only().attempts()).isEqualTo(1);
    journal().markRunning(m); // a new attempt answers anew
    assertThat(only().reply()).isNull();
    assertThat(only().attempts()).isEqualTo(2);
  }

  @Test
  void aReplyOutlivesADeferralButNotTheMessage() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);
    journal().markRunning(m);
    journal().recordReply(m, "answer");

    journal().markPending(m);
    assertThat(only().reply()).isEqualTo("answer");
    journal().markDone(m, "answered");
    assertThat(journal().unfinished()).isEmpty();
  }

  @Test
  void aMessageNeverRecordedIsAFirstAttemptAndLeavesNoTrace() {
    InboundMessage m = message("1", "10", "hello");

    assertThat(journal().markRunning(m)).isEqualTo(1);
    assertThat(journal().markRunning(m)).isEqualTo(1);
    journal().markPending(m);
    journal().markDone(m, "answered");

    assertThat(journal().unfinished()).isEmpty();
    assertThat(journal().record(m)).as("nothing was recorded for it").isTrue();
    assertThat(only().attempts()).isZero();
  }

  @Test
  void concurrentRecordsFromManyThreadsAllLand() throws InterruptedException {
    int threads = 8;
    int each = 50;
    runTogether(threads, n -> {
      for (int i = 0; i < each; i++) {
        journal().record(message("c" + n, "m" + i, "x"));
      }
    });
    assertThat(journal().unfinished()).hasSize(threads * each);
  }

  @Test
  void aMessageDeliveredOnManyThreadsAtOnceIsRecordedOnce() throws InterruptedException {
    InboundMessage m = message("1", "10", "hello");
    AtomicInteger recorded = new AtomicInteger();
    runTogether(8, n -> {
      if (journal().record(m)) {
        recorded.incrementAndGet();
      }
    });
    assertThat(recorded).hasValue(1);
    assertThat(journal().unfinished()).hasSize(1);
  }

  @Test
  void aRefusedMessageIsDoneAtOnceAndARedeliveryOfItIsRecognised() {
    InboundMessage m = message("1", "10", "let me in");

    assertThat(journal().recordRefused(m.ref(), "u1", "pairing")).isTrue();

    assertThat(journal().unfinished()).isEmpty();
    assertThat(journal().recordRefused(m.ref(), "u1", "pairing"))
        .as("redelivered")
        .isFalse();
    assertThat(journal().record(m)).as("redelivered after an approval").isFalse();
    assertThat(journal().unfinished()).isEmpty();
  }

  @Test
  void aMessageRecordedBeforeCannotBeRecordedAgainAsRefused() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);

    assertThat(journal().recordRefused(m.ref(), "u1", "ignored")).isFalse();
    assertThat(only().message()).isEqualTo(m);
    assertThat(only().status()).isEqualTo(Status.PENDING);
  }

  /** Records {@code m} and finishes it {@code ago} before now. */
  private void doneAgo(InboundMessage m, Duration ago) {
    journal().record(m);
    journal().markDone(m, "answered");
    clock.advance(ago);
  }

  @Test
  void pruningForgetsMessagesDoneBeforeTheCutOffAndNothingUnfinished() {
    InboundMessage oldDone = message("1", "10", "answered long ago");
    journal().record(oldDone);
    journal().markDone(oldDone, "answered");
    InboundMessage oldPending = message("1", "11", "waiting since long ago");
    journal().record(oldPending);
    InboundMessage oldRunning = message("1", "12", "running since long ago");
    journal().record(oldRunning);
    journal().markRunning(oldRunning);
    journal().recordRefused(message("2", "13", "a stranger").ref(), "u2", "pairing");
    clock.advance(Duration.ofDays(8));
    InboundMessage recent = message("1", "14", "answered just now");
    journal().record(recent);
    journal().markDone(recent, "answered");

    assertThat(journal().pruneDone(clock.instant().minus(Duration.ofDays(7)), 100))
        .isEqualTo(2);

    assertThat(journal().unfinished())
        .extracting(e -> e.message().messageId())
        .containsExactly("11", "12");
    assertThat(journal().record(recent))
        .as("a recent message is still recognised")
        .isFalse();
    assertThat(journal().record(oldDone)).as("a forgotten message is new again").isTrue();
    assertThat(journal().pruneDone(clock.instant().minus(Duration.ofDays(7)), 100))
        .isZero();
  }

  @Test
  void aForgottenMessageNoLongerClaimsItsFiles() {
    Attachment kept = new Attachment(AttachmentKind.VOICE, "audio/ogg", 10, null, "v1")
        .stored("cd".repeat(32), 10);
    Attachment forgotten = new Attachment(AttachmentKind.IMAGE, "image/png", 10, null, "i1")
        .stored("ef".repeat(32), 10);
    InboundMessage old = message("1", "10", "").withAttachments(List.of(forgotten));
    journal().record(old);
    journal().markDone(old, "answered");
    clock.advance(Duration.ofDays(8));
    InboundMessage pending = message("1", "11", "").withAttachments(List.of(kept));
    journal().record(pending);

    journal().pruneDone(clock.instant().minus(Duration.ofDays(7)), 100);

    assertThat(journal().storedAttachments()).containsExactly(kept.sha256());
  }

  @Test
  void theCutOffIsExclusiveAndCountsFromTheLastChange() {
    InboundMessage m = message("1", "10", "hello");
    journal().record(m);
    clock.advance(Duration.ofDays(30)); // recorded long ago, answered only now
    journal().markDone(m, "answered");
    Instant doneAt = clock.instant();

    assertThat(journal().pruneDone(doneAt, 10)).as("done at the cut-off itself").isZero();
    assertThat(journal().pruneDone(doneAt.plusMillis(1), 10)).isEqualTo(1);
  }

  @Test
  void pruningTakesAtMostTheLimitTheLongestDoneFirst() {
    for (int i = 0; i < 5; i++) {
      doneAgo(message("1", "m" + i, "x"), Duration.ofMinutes(1));
    }

    assertThat(journal().pruneDone(clock.instant(), 2)).isEqualTo(2);
    assertThat(journal().record(message("1", "m0", "x")))
        .as("the first done went")
        .isTrue();
    assertThat(journal().record(message("1", "m1", "x"))).isTrue();
    assertThat(journal().record(message("1", "m2", "x"))).as("the third stayed").isFalse();
    assertThat(journal().pruneDone(clock.instant(), 2)).isEqualTo(2);
    assertThat(journal().pruneDone(clock.instant(), 2))
        .as("fewer than asked: the end")
        .isOne();
    assertThat(journal().pruneDone(clock.instant(), 2)).isZero();
    assertThat(journal().unfinished())
        .as("the two recorded again are new, not done")
        .extracting(e -> e.message().messageId())
        .containsExactly("m0", "m1");
  }

  @Test
  void aChatIsKnownOnceAMessageFromItWasLetIn() {
    assertThat(journal().knowsChat("telegram", "c1")).isFalse();
    journal()
        .recordRefused(
            new MessageRef(new ChatRef("telegram", "c1", null), "m1"), "stranger", "pairing");
    assertThat(journal().knowsChat("telegram", "c1")).as("a stranger's chat").isFalse();

    journal().record(message("c1", "m2", "hello"));

    assertThat(journal().knowsChat("telegram", "c1")).isTrue();
    assertThat(journal().knowsChat("discord", "c1")).isFalse();
    assertThat(journal().knowsChat("telegram", "c2")).isFalse();
  }
}
