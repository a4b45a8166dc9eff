package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Conversations.Line;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link Pruner} over a whole store: what {@link Retention} lets go goes, in batches, and what
 * is unfinished stays whatever its age.
 */
abstract class PrunerContract extends StorePartContract {
  private static final Duration ENOUGH = Duration.ofMinutes(5);
  private static final Retention WEEK_AND_QUARTER =
      new Retention(Duration.ofDays(7), Duration.ofDays(90), 0, Long.MAX_VALUE);

  private Pruner pruner(Retention retention) {
    return new Pruner(store, retention, clock, clock, clock);
  }

  private static InboundMessage message(int n) {
    return new InboundMessage(
        new ChatRef("telegram", "c" + n % 20, null),
        "m" + n,
        new Sender("u" + n % 20, "User"),
        "message " + n,
        false,
        T0);
  }

  @Test
  void tenThousandOldDeliveredRowsGoAndThePendingOnesStay() throws InterruptedException {
    for (int i = 0; i < 10_000; i++) {
      InboundMessage m = message(i);
      store.journal().record(m);
      store.journal().markDone(m, "answered");
      Outbox.Entry e =
          store.outbox().claim(m.dedupeKey() + ":reply:1:0", m.chat(), "answer " + i, null);
      store.outbox().markSent(e.id(), "p" + i, "answer " + i, true);
    }
    for (int i = 10_000; i < 10_050; i++) {
      InboundMessage m = message(i);
      store.journal().record(m);
      if (i % 2 == 0) {
        store.journal().markRunning(m);
      }
      Outbox.Entry e =
          store.outbox().claim(m.dedupeKey() + ":reply:1:0", m.chat(), "x", m.dedupeKey());
      store.outbox().markSending(e.id(), "part");
      store.outbox().markSent(e.id(), "p" + i, "part", false);
    }
    Outbox.Entry unknown = store.outbox().claim("notice", ChatRef.of("telegram", "c1"), "x", null);
    store.outbox().markSending(unknown.id(), "x");
    store.outbox().markUnknown(unknown.id(), "connection reset");
    clock.advance(Duration.ofDays(8));

    Pruner.Pass pass = pruner(WEEK_AND_QUARTER).run(ENOUGH);

    assertThat(pass.journal()).isEqualTo(10_000);
    assertThat(pass.outbox()).isEqualTo(10_000);
    assertThat(pass.complete()).isTrue();
    assertThat(store.journal().unfinished()).hasSize(50);
    assertThat(store.outbox().forInbound(message(10_001).dedupeKey())).hasSize(1);
    assertThat(store.outbox().find("notice")).isPresent();
    assertThat(store.journal().record(message(3))).as("forgotten").isTrue();
    assertThat(store.outbox().find(message(3).dedupeKey() + ":reply:1:0")).isEmpty();
    assertThat(pruner(WEEK_AND_QUARTER).run(ENOUGH).rows()).isZero();
  }

  @Test
  void aPassThatRunsOutOfTimeSaysSoAndTheNextCarriesOn() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      store.journal().recordRefused(message(i).ref(), "u", "pairing");
    }
    clock.advance(Duration.ofDays(8));
    // each pause after a batch moves this clock 20 ms: 50 ms are three batches
    Pruner slow = new Pruner(store, WEEK_AND_QUARTER, clock, clock, clock, 10);

    Pruner.Pass first = slow.run(Duration.ofMillis(50));
    assertThat(first.journal()).isEqualTo(30);
    assertThat(first.complete()).isFalse();

    Pruner.Pass rest = slow.run(ENOUGH);
    assertThat(rest.journal()).isEqualTo(70);
    assertThat(rest.complete()).isTrue();
  }

  @Test
  void transcriptsAreKeptForTheirAgeAndUpToTheirCount() throws InterruptedException {
    Conversations c = store.conversations();
    for (int i = 0; i < 4; i++) {
      c.append("s", 0, "user", "old " + i);
    }
    clock.advance(Duration.ofDays(91));
    for (int i = 0; i < 4; i++) {
      c.append("s", 0, "user", "new " + i);
      c.append("t", 0, "user", "theirs " + i);
    }

    Pruner.Pass byAge = pruner(WEEK_AND_QUARTER).run(ENOUGH);
    assertThat(byAge.transcriptLines()).isEqualTo(4);
    assertThat(c.lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("new 0", "new 1", "new 2", "new 3");

    Retention threeLines = new Retention(Duration.ofDays(7), Duration.ofDays(90), 3, 1);
    assertThat(pruner(threeLines).run(ENOUGH).transcriptLines()).isEqualTo(2);
    assertThat(c.lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("new 1", "new 2", "new 3");
    assertThat(c.lines("t", 0, 10)).hasSize(3);
  }

  @Test
  void anAgeOfZeroKeepsTranscriptsForever() throws InterruptedException {
    store.conversations().append("s", 0, "user", "from long ago");
    clock.advance(Duration.ofDays(3650));

    Retention forever = new Retention(Duration.ofDays(7), Duration.ZERO, 0, 1);
    assertThat(pruner(forever).run(ENOUGH).transcriptLines()).isZero();
    assertThat(store.conversations().lines("s", 0, 10)).hasSize(1);
  }

  @Test
  void compactingKeepsWhatWasNotPruned() throws InterruptedException {
    InboundMessage waiting = message(1);
    store.journal().record(waiting);
    store.conversations().append("s", 0, "user", "kept");
    store.cursors().put("telegram", "offset", "42");

    pruner(WEEK_AND_QUARTER).run(ENOUGH);
    store.compact();

    assertThat(store.journal().unfinished()).extracting(e -> e.message()).containsExactly(waiting);
    assertThat(store.conversations().lines("s", 0, 10)).hasSize(1);
    assertThat(store.cursors().get("telegram", "offset")).hasValue("42");
  }
}
