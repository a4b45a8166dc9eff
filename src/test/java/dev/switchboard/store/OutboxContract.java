package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Outbox.Entry;
import dev.switchboard.store.Outbox.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** {@link Outbox}: a message is claimed under its key once, and remembers its outcome. */
abstract class OutboxContract extends StorePartContract {
  private static final ChatRef CHAT = new ChatRef("telegram", "1", "7");
  private static final String INBOUND = "telegram:1:10";
  private static final String KEY = INBOUND + ":reply:1:0";

  private Outbox outbox() {
    return store.outbox();
  }

  private Entry find(String key) {
    return outbox().find(key).orElseThrow();
  }

  @Test
  void aClaimCreatesAPendingEntryWithWhatItWasGiven() {
    Entry e = outbox().claim(KEY, CHAT, "hi", INBOUND);

    assertThat(e.key()).isEqualTo(KEY);
    assertThat(e.chat()).isEqualTo(CHAT);
    assertThat(e.text()).isEqualTo("hi");
    assertThat(e.status()).isEqualTo(Status.PENDING);
    assertThat(e.platformMessageId()).isNull();
    assertThat(e.complete()).isFalse();
    assertThat(e.inboundKey()).isEqualTo(INBOUND);
    assertThat(find(KEY)).isEqualTo(e);
  }

  @Test
  void aNewKeyIsRecordedAsBeingSentInOneStep() {
    Entry e = outbox().claimNewAsSending(KEY, CHAT, "hi", INBOUND).orElseThrow();

    assertThat(e.key()).isEqualTo(KEY);
    assertThat(e.chat()).isEqualTo(CHAT);
    assertThat(e.text()).isEqualTo("hi");
    assertThat(e.status()).isEqualTo(Status.SENDING);
    assertThat(e.platformMessageId()).isNull();
    assertThat(e.complete()).isFalse();
    assertThat(e.inboundKey()).isEqualTo(INBOUND);
    assertThat(find(KEY)).isEqualTo(e);
    Entry notice = outbox()
        .claimNewAsSending("restart:notice", ChatRef.of("slack", "C1"), "Restarted.", null)
        .orElseThrow();
    assertThat(notice.inboundKey()).isNull();
    assertThat(notice.chat().threadId()).isNull();
  }

  @Test
  void aKeyWithAnEntryIsNotRecordedAsBeingSentAgainAndKeepsItsEntry() {
    Entry claimed = outbox().claim(KEY, CHAT, "hi", INBOUND);
    assertThat(outbox().claimNewAsSending(KEY, CHAT, "other", null)).isEmpty();
    assertThat(find(KEY)).isEqualTo(claimed);

    outbox().markSent(claimed.id(), "555", "hi there", true);
    assertThat(outbox().claimNewAsSending(KEY, CHAT, "a third", INBOUND)).isEmpty();
    assertThat(find(KEY).status()).isEqualTo(Status.SENT);
    assertThat(find(KEY).text()).isEqualTo("hi there");
  }

  @Test
  void aGatewayNoticeHasNoInboundKey() {
    Entry notice = outbox().claim("restart:notice", ChatRef.of("slack", "C1"), "Restarted.", null);

    assertThat(notice.inboundKey()).isNull();
    assertThat(notice.chat().threadId()).isNull();
    assertThat(find("restart:notice")).isEqualTo(notice);
  }

  @Test
  void anUnknownKeyIsNotFound() {
    outbox().claim(KEY, CHAT, "hi", INBOUND);

    assertThat(outbox().find(INBOUND + ":reply:1:1")).isEmpty();
  }

  @Test
  void claimingAKeyAgainReturnsTheEntryAsItIsAndChangesNothing() {
    Entry e = outbox().claim(KEY, CHAT, "hi", INBOUND);

    Entry again = outbox().claim(KEY, ChatRef.of("discord", "2"), "other", null);
    assertThat(again).isEqualTo(e);

    outbox().markSending(e.id(), "hi \u2026");
    outbox().markSent(e.id(), "555", "hi there", true);
    Entry sent = outbox().claim(KEY, CHAT, "a third text", INBOUND);
    assertThat(sent.id()).isEqualTo(e.id());
    assertThat(sent.status()).isEqualTo(Status.SENT);
    assertThat(sent.platformMessageId()).isEqualTo("555");
    assertThat(sent.text()).isEqualTo("hi there");
    assertThat(sent.complete()).isTrue();
    assertThat(find(KEY)).isEqualTo(sent);
  }

  @Test
  void claimingAKeyWhoseOutcomeIsUnknownReturnsItAsUnknown() {
    Entry e = outbox().claim(KEY, CHAT, "hi", INBOUND);
    outbox().markSending(e.id(), "hi");
    outbox().markUnknown(e.id(), "read timed out");

    assertThat(outbox().claim(KEY, CHAT, "hi", INBOUND).status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void differentKeysAreDifferentEntries() {
    Entry first = outbox().claim(KEY, CHAT, "one", INBOUND);
    Entry second = outbox().claim(INBOUND + ":reply:1:1", CHAT, "two", INBOUND);

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(find(KEY).text()).isEqualTo("one");
  }

  @Test
  void markSendingRecordsTheTextAboutToBeSent() {
    Entry e = outbox().claim(KEY, CHAT, "draft", INBOUND);

    outbox().markSending(e.id(), "final text");

    Entry sending = find(KEY);
    assertThat(sending.status()).isEqualTo(Status.SENDING);
    assertThat(sending.text()).isEqualTo("final text");
    assertThat(sending.platformMessageId()).isNull();
    assertThat(sending.complete()).isFalse();
  }

  @Test
  void aStreamedReplyIsSentAsAPreviewThenCompleted() {
    Entry e = outbox().claim(KEY, CHAT, "Hel \u2026", INBOUND);
    outbox().markSending(e.id(), "Hel \u2026");

    outbox().markSent(e.id(), "555", "Hel \u2026", false);
    Entry preview = find(KEY);
    assertThat(preview.status()).isEqualTo(Status.SENT);
    assertThat(preview.platformMessageId()).isEqualTo("555");
    assertThat(preview.complete()).as("a preview is not the whole answer").isFalse();

    outbox().markSent(e.id(), "555", "Hello, world", true);
    Entry done = find(KEY);
    assertThat(done.text()).isEqualTo("Hello, world");
    assertThat(done.complete()).isTrue();
    assertThat(done.platformMessageId()).isEqualTo("555");
  }

  @Test
  void aSendWhoseOutcomeIsUnknownOrFailedIsSettledAsSuch() {
    Entry unknown = outbox().claim("n1", CHAT, "x", null);
    outbox().markSending(unknown.id(), "x");
    outbox().markUnknown(unknown.id(), "read timed out");
    Entry failed = outbox().claim("n2", CHAT, "y", null);
    outbox().markSending(failed.id(), "y");
    outbox().markFailed(failed.id(), "400 chat not found");

    assertThat(find("n1").status()).isEqualTo(Status.UNKNOWN);
    assertThat(find("n1").text()).isEqualTo("x");
    assertThat(find("n2").status()).isEqualTo(Status.FAILED);
    assertThat(find("n2").text()).isEqualTo("y");

    outbox().markFailed(unknown.id(), "given up");
    assertThat(find("n1").status()).isEqualTo(Status.FAILED);
  }

  @Test
  void aSentMessageThePlatformCouldNotDeliverIsFailedByItsPlatformsId() {
    Entry sent = outbox().claim("w1", CHAT, "hello", null);
    outbox().markSending(sent.id(), "hello");
    outbox().markSent(sent.id(), "wamid.A", "hello", true);
    Entry other = outbox().claim("w2", CHAT, "more", null);
    outbox().markSending(other.id(), "more");
    outbox().markSent(other.id(), "wamid.B", "more", true);

    assertThat(outbox().markUndelivered(CHAT.platform(), "wamid.A", "131026 undeliverable"))
        .isTrue();
    assertThat(find("w1").status()).isEqualTo(Status.FAILED);
    assertThat(find("w1").text()).isEqualTo("hello");
    assertThat(find("w2").status()).isEqualTo(Status.SENT);
    assertThat(outbox().markUndelivered(CHAT.platform(), "wamid.A", "again"))
        .as("only a sent entry")
        .isFalse();
    assertThat(outbox().markUndelivered("elsewhere", "wamid.B", "x"))
        .as("the id on another platform")
        .isFalse();
    assertThat(outbox().markUndelivered(CHAT.platform(), "wamid.unknown", "x")).isFalse();
  }

  @Test
  void settlingOneEntryLeavesTheOthersAlone() {
    Entry a = outbox().claim("a", CHAT, "a", null);
    Entry b = outbox().claim("b", CHAT, "b", null);

    outbox().markSending(a.id(), "a");
    outbox().markSent(a.id(), "1", "a", true);

    assertThat(find("b")).isEqualTo(b);
  }

  @Test
  void forInboundListsEveryPartOfTheRepliesToOneMessageInKeyOrder() {
    outbox().claim(INBOUND + ":reply:2:0", CHAT, "retry", INBOUND);
    outbox().claim(INBOUND + ":reply:1:1", CHAT, "part 1", INBOUND);
    Entry first = outbox().claim(INBOUND + ":reply:1:0", CHAT, "part 0", INBOUND);
    outbox().claim(INBOUND + ":reply:1:0r", CHAT, "part 0 again", INBOUND);
    outbox().claim("telegram:1:11:reply:1:0", CHAT, "another message's", "telegram:1:11");
    outbox().claim("telegram:1:10:pairing", CHAT, "a notice", null);
    outbox().markSending(first.id(), "part 0");
    outbox().markSent(first.id(), "555", "part 0", true);

    assertThat(outbox().forInbound(INBOUND))
        .extracting(Entry::key)
        .containsExactly(
            INBOUND + ":reply:1:0",
            INBOUND + ":reply:1:0r",
            INBOUND + ":reply:1:1",
            INBOUND + ":reply:2:0");
    assertThat(outbox().forInbound(INBOUND).getFirst()).isEqualTo(find(INBOUND + ":reply:1:0"));
    assertThat(outbox().forInbound(INBOUND).getFirst().status()).isEqualTo(Status.SENT);
    assertThat(outbox().forInbound("telegram:1:12")).isEmpty();
  }

  @Test
  void concurrentClaimsOfOneKeyMakeOneEntry() throws InterruptedException {
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    Set<String> texts = ConcurrentHashMap.newKeySet();
    runTogether(8, n -> {
      Entry e = outbox().claim(KEY, CHAT, "text " + n, INBOUND);
      ids.add(e.id());
      texts.add(e.text());
    });

    assertThat(ids).hasSize(1);
    assertThat(texts).hasSize(1);
    assertThat(find(KEY).text()).isEqualTo(texts.iterator().next());
  }

  private static final Duration WEEK = Duration.ofDays(7);

  private Entry sent(String key, String inboundKey) {
    Entry e = outbox().claim(key, CHAT, key, inboundKey);
    outbox().markSending(e.id(), key);
    outbox().markSent(e.id(), "p-" + key, key, true);
    return e;
  }

  private Instant aWeekAgo() {
    return clock.instant().minus(WEEK);
  }

  @Test
  void pruningForgetsOldSettledSendsAndKeepsEveryUnsettledOne() {
    sent("sent", null);
    Entry failed = outbox().claim("failed", CHAT, "x", null);
    outbox().markFailed(failed.id(), "400 chat not found");
    outbox().claim("pending", CHAT, "x", null);
    Entry sending = outbox().claim("sending", CHAT, "x", null);
    outbox().markSending(sending.id(), "x");
    Entry unknown = outbox().claim("unknown", CHAT, "x", null);
    outbox().markSending(unknown.id(), "x");
    outbox().markUnknown(unknown.id(), "read timed out");
    clock.advance(WEEK.plusDays(1));
    sent("recent", null);

    assertThat(outbox().pruneSettled(aWeekAgo(), 100)).isEqualTo(2);

    assertThat(outbox().find("sent")).isEmpty();
    assertThat(outbox().find("failed")).isEmpty();
    assertThat(find("pending").status()).isEqualTo(Status.PENDING);
    assertThat(find("sending").status()).isEqualTo(Status.SENDING);
    assertThat(find("unknown").status()).isEqualTo(Status.UNKNOWN);
    assertThat(find("recent").status()).isEqualTo(Status.SENT);
    assertThat(outbox().pruneSettled(aWeekAgo(), 100)).isZero();
  }

  @Test
  void anEntrysAgeCountsFromItsLastChange() {
    Entry e = outbox().claim(KEY, CHAT, "hi", INBOUND);
    clock.advance(WEEK.plusDays(1)); // claimed long ago, settled only now
    outbox().markSending(e.id(), "hi");
    outbox().markSent(e.id(), "555", "hi", true);

    assertThat(outbox().pruneSettled(aWeekAgo(), 100)).isZero();
    clock.advance(WEEK.plusDays(1));
    assertThat(outbox().pruneSettled(aWeekAgo(), 100)).isOne();
  }

  @Test
  void repliesToAMessageTheJournalHasNotFinishedWithStay() {
    InboundMessage waiting = new InboundMessage(
        new ChatRef("telegram", "1", "7"), "10", new Sender("u1", "U"), "hi", false, T0);
    store.journal().record(waiting);
    store.journal().markRunning(waiting);
    sent(waiting.dedupeKey() + ":reply:1:0", waiting.dedupeKey());
    sent("telegram:1:11:reply:1:0", "telegram:1:11");
    clock.advance(WEEK.plusDays(1));

    assertThat(outbox().pruneSettled(aWeekAgo(), 100)).isOne();
    assertThat(outbox().forInbound(waiting.dedupeKey())).hasSize(1);
    assertThat(outbox().forInbound("telegram:1:11")).isEmpty();

    store.journal().markDone(waiting, "answered");
    assertThat(outbox().pruneSettled(aWeekAgo(), 100))
        .as("once the message is done, its replies may go")
        .isOne();
  }

  @Test
  void pruningTakesAtMostTheLimitTheOldestFirst() {
    for (int i = 0; i < 5; i++) {
      sent("k" + i, null);
      clock.advance(Duration.ofMinutes(1));
    }

    assertThat(outbox().pruneSettled(clock.instant(), 2)).isEqualTo(2);
    assertThat(outbox().find("k0")).isEmpty();
    assertThat(outbox().find("k1")).isEmpty();
    assertThat(outbox().find("k2")).isPresent();
    assertThat(outbox().pruneSettled(clock.instant(), 2)).isEqualTo(2);
    assertThat(outbox().pruneSettled(clock.instant(), 2)).isOne();
  }
}
