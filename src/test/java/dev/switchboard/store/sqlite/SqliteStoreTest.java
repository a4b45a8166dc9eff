package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.Conversations;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.InboundJournal.Status;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir
  Path dir;

  private SqliteStore store;
  private final Clock clock = Clock.systemUTC();

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("switchboard.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private SqliteStore reopen() {
    store.close();
    store = SqliteStore.open(dir.resolve("switchboard.db"), clock);
    return store;
  }

  private static InboundMessage message(String chat, String id, String text) {
    return new InboundMessage(new ChatRef("telegram", chat, "7"), id,
        new Sender("u" + chat, "User " + chat), text, false, Instant.ofEpochMilli(1234));
  }

  @Test
  void aMessageIsJournaledOnceAndKeptUntilDone() {
    InboundMessage m = message("1", "10", "hello");
    assertThat(store.journal().record(m)).isTrue();
    assertThat(store.journal().record(m)).as("redelivery").isFalse();
    store.journal().record(message("1", "11", "second"));
    store.journal().markRunning(m);

    var unfinished = reopen().journal().unfinished();
    assertThat(unfinished).extracting(e -> e.message().text()).containsExactly("hello", "second");
    assertThat(unfinished.getFirst().status()).isEqualTo(Status.RUNNING);
    assertThat(unfinished.getFirst().message()).isEqualTo(m);

    store.journal().markDone(m, "answered");
    store.journal().markPending(message("1", "11", "second"));
    assertThat(store.journal().unfinished()).extracting(e -> e.message().messageId())
        .containsExactly("11");
  }

  @Test
  void anOutboxKeyIsClaimedOnceAndRemembersItsOutcome() {
    ChatRef chat = new ChatRef("telegram", "1", null);
    Outbox.Entry e = store.outbox().claim("telegram:1:10:reply:0", chat, "hi", "telegram:1:10");
    assertThat(e.status()).isEqualTo(Outbox.Status.PENDING);
    Outbox.Entry again = store.outbox().claim("telegram:1:10:reply:0", chat, "other", null);
    assertThat(again.id()).isEqualTo(e.id());
    assertThat(again.text()).isEqualTo("hi");

    store.outbox().markSending(e.id(), "hi \u2026");
    store.outbox().markSent(e.id(), "555", "hi there", true);
    Outbox.Entry sent = reopen().outbox().find("telegram:1:10:reply:0").orElseThrow();
    assertThat(sent.status()).isEqualTo(Outbox.Status.SENT);
    assertThat(sent.platformMessageId()).isEqualTo("555");
    assertThat(sent.complete()).isTrue();
    assertThat(sent.text()).isEqualTo("hi there");
    assertThat(store.outbox().forInbound("telegram:1:10")).extracting(Outbox.Entry::key)
        .containsExactly("telegram:1:10:reply:0");

    Outbox.Entry other = store.outbox().claim("n", chat, "x", null);
    store.outbox().markUnknown(other.id(), "read timed out");
    assertThat(store.outbox().find("n").orElseThrow().status()).isEqualTo(Outbox.Status.UNKNOWN);
    store.outbox().markFailed(other.id(), "400 chat not found");
    assertThat(store.outbox().find("n").orElseThrow().status()).isEqualTo(Outbox.Status.FAILED);
  }

  @Test
  void hidingTheLastExchangeIsIdempotentPerCommandAndSurvivesAReopen() {
    var c = store.conversations();
    c.append("s", 0, "user", "one");
    c.append("s", 0, "assistant", "done one");
    c.append("s", 0, "user", "two");
    c.append("s", 0, "assistant", "done two");
    assertThat(c.hideLastExchange("s", 0, "undo-1")).extracting(l -> l.text())
        .containsExactly("two", "done two");
    // the same command run again (a replay after a crash) hides nothing more
    assertThat(c.hideLastExchange("s", 0, "undo-1")).extracting(l -> l.text())
        .containsExactly("two", "done two");
    reopen();
    assertThat(store.conversations().lines("s", 0, 10)).extracting(l -> l.text())
        .containsExactly("one", "done one");
    assertThat(store.conversations().hideLastExchange("s", 0, "undo-2"))
        .extracting(l -> l.text()).containsExactly("one", "done one");
    assertThat(store.conversations().hideLastExchange("s", 0, "undo-3")).isEmpty();
    assertThat(store.conversations().lines("s", 0, 10)).isEmpty();
  }

  @Test
  void sessionSettingsAndTokenUsageSurviveAReopen() {
    var c = store.conversations();
    c.setSetting("s", "model", "llama3.2");
    c.setSetting("s", "model", "qwen2.5");
    c.setSetting("s", "busy_policy", "queue");
    c.setSetting("t", "busy_policy", "interrupt");
    c.addUsage("s", 0, 100, 10);
    c.addUsage("s", 0, 50, 5);
    c.addUsage("s", 1, 7, 3);
    reopen();
    c = store.conversations();
    assertThat(c.setting("s", "model")).hasValue("qwen2.5");
    assertThat(c.settings("s")).containsExactly(
        java.util.Map.entry("busy_policy", "queue"), java.util.Map.entry("model", "qwen2.5"));
    assertThat(c.settingsNamed("busy_policy")).containsExactly(
        java.util.Map.entry("s", "queue"), java.util.Map.entry("t", "interrupt"));
    c.setSetting("s", "model", null);
    assertThat(c.setting("s", "model")).isEmpty();
    assertThat(c.usage("s", 0)).isEqualTo(new Conversations.Usage(2, 150, 15));
    assertThat(c.totalUsage("s")).isEqualTo(new Conversations.Usage(3, 157, 18));
    assertThat(c.usage("nobody", 0)).isEqualTo(Conversations.Usage.NONE);
  }

  @Test
  void cursorsAndConversationsSurviveAReopen() {
    store.cursors().put("telegram", "offset", "41");
    store.cursors().put("telegram", "offset", "42");
    assertThat(store.conversations().generation("s")).isZero();
    assertThat(store.conversations().startNew("s")).isEqualTo(1);
    store.conversations().append("s", 1, "user", "hi");
    store.conversations().append("s", 1, "assistant", "hello");
    store.conversations().append("s", 0, "user", "old");
    reopen();
    assertThat(store.cursors().get("telegram", "offset")).hasValue("42");
    assertThat(store.cursors().get("telegram", "missing")).isEmpty();
    assertThat(store.conversations().generation("s")).isEqualTo(1);
    assertThat(store.conversations().lines("s", 1, 10)).extracting(l -> l.role() + ":" + l.text())
        .containsExactly("user:hi", "assistant:hello");
    assertThat(store.conversations().lines("s", 1, 1)).extracting(l -> l.text())
        .containsExactly("hello");
  }

  @Test
  void aPairingCodeIsRedeemedOnceAndTheApprovalPersists() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    Pairings.Code code = new Pairings.Code("telegram", "ABCD2345", "99", "99", "Ann", now,
        now.plus(Duration.ofHours(1)), null);
    store.pairings().addCode(code);
    assertThat(store.pairings().pending("telegram", now)).hasSize(1);
    assertThat(store.pairings().pending("telegram", now.plus(Duration.ofHours(2)))).isEmpty();
    store.pairings().redeem(code, now);
    assertThatThrownBy(() -> store.pairings().redeem(code, now))
        .isInstanceOf(StoreException.class).hasMessageContaining("already used");
    assertThat(reopen().pairings().approved("telegram", "99")).isTrue();
    assertThat(store.pairings().approvals("telegram")).extracting(Pairings.Approval::displayName)
        .containsExactly("Ann");
    assertThat(store.pairings().revoke("telegram", "99")).isTrue();
    assertThat(store.pairings().revoke("telegram", "99")).isFalse();
    assertThat(store.pairings().approved("telegram", "99")).isFalse();
  }

  @Test
  void expiredCodesAreForgotten() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    store.pairings().addCode(new Pairings.Code("telegram", "OLD22222", "1", "1", "a",
        now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), null));
    store.pairings().addCode(new Pairings.Code("telegram", "NEW22222", "2", "2", "b", now,
        now.plus(Duration.ofHours(1)), null));
    assertThat(store.pairings().deleteExpired(now)).isEqualTo(1);
    assertThat(store.pairings().findCode("telegram", "OLD22222")).isEmpty();
    assertThat(store.pairings().findCode("telegram", "NEW22222")).isPresent();
  }

  @Test
  void aSecondConnectionSeesCommitsAndCanWriteWhileTheFirstIsOpen() throws Exception {
    // The CLI (pairing approve) opens the same file while the gateway runs.
    try (SqliteStore cli = SqliteStore.open(dir.resolve("switchboard.db"), clock)) {
      Instant now = Instant.now();
      cli.pairings().addCode(new Pairings.Code("telegram", "QWER2345", "5", "5", "x", now,
          now.plusSeconds(60), null));
      cli.pairings().redeem(cli.pairings().findCode("telegram", "QWER2345").orElseThrow(), now);
    }
    assertThat(store.pairings().approved("telegram", "5")).isTrue();
  }

  @Test
  void concurrentWritersFromManyThreadsAllLand() throws Exception {
    int threads = 8;
    int each = 50;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      all.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          store.journal().record(message("c" + n, "m" + i, "x"));
        }
      }));
    }
    go.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertThat(store.journal().unfinished()).hasSize(threads * each);
  }
}
