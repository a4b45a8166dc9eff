package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.InboundJournal.Status;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a store in a file has to show: everything survives closing and reopening it, and
 * a second connection (the CLI) works beside the gateway's. What every store must do is in
 * {@link SqliteStoreContractTest}.
 */
class SqliteStoreTest {
  @TempDir
  Path dir;

  private Store store;
  private final Clock clock = Clock.systemUTC();

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("switchboard.db"), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Store reopen() {
    store.close();
    store = SqliteStore.open(dir.resolve("switchboard.db"), clock);
    return store;
  }

  @Test
  void theDatabaseAndItsWalAndSharedMemoryFilesAreOwnerOnly() throws Exception {
    store.journal().record(message("1", "m1", "hello"));
    for (String name : List.of("switchboard.db", "switchboard.db-wal", "switchboard.db-shm")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
          .as(name)
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aDatabaseAnOlderVersionLeftOpenIsTightenedAtOpen() throws Exception {
    store.journal().record(message("1", "m1", "hello"));
    store.close();
    for (String name : List.of("switchboard.db", "switchboard.db-wal", "switchboard.db-shm")) {
      Path p = dir.resolve(name);
      if (Files.exists(p)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    store = SqliteStore.open(dir.resolve("switchboard.db"), clock);
    store.journal().record(message("1", "m2", "again"));
    for (String name : List.of("switchboard.db", "switchboard.db-wal", "switchboard.db-shm")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
          .as(name)
          .isEqualTo("rw-------");
    }
  }

  private static InboundMessage message(String chat, String id, String text) {
    return new InboundMessage(
        new ChatRef("telegram", chat, "7"),
        id,
        new Sender("u" + chat, "User " + chat),
        text,
        false,
        Instant.ofEpochMilli(1234));
  }

  @Test
  void journaledMessagesSurviveAReopenAsTheyWere() {
    InboundMessage m = message("1", "10", "hello");
    store.journal().record(m);
    store.journal().record(message("1", "11", "second"));
    store.journal().markRunning(m);

    var unfinished = reopen().journal().unfinished();
    assertThat(unfinished).extracting(e -> e.message().text()).containsExactly("hello", "second");
    assertThat(unfinished.getFirst().status()).isEqualTo(Status.RUNNING);
    assertThat(unfinished.getFirst().attempts()).isEqualTo(1);
    assertThat(unfinished.getFirst().message()).isEqualTo(m);
    assertThat(store.journal().record(m)).as("a redelivery after the restart").isFalse();
    assertThat(store.journal().markRunning(m)).isEqualTo(2);
    assertThat(store.journal().unfinished())
        .extracting(InboundJournal.Entry::status)
        .containsExactly(Status.RUNNING, Status.PENDING);
  }

  @Test
  void anOutboxEntrySurvivesAReopenWithItsOutcome() {
    ChatRef chat = new ChatRef("telegram", "1", null);
    Outbox.Entry e = store.outbox().claim("telegram:1:10:reply:0", chat, "hi", "telegram:1:10");
    store.outbox().markSending(e.id(), "hi \u2026");
    store.outbox().markSent(e.id(), "555", "hi there", true);
    Outbox.Entry other = store.outbox().claim("n", chat, "x", null);
    store.outbox().markUnknown(other.id(), "read timed out");

    Outbox.Entry sent = reopen().outbox().find("telegram:1:10:reply:0").orElseThrow();
    assertThat(sent.id()).isEqualTo(e.id());
    assertThat(sent.status()).isEqualTo(Outbox.Status.SENT);
    assertThat(sent.platformMessageId()).isEqualTo("555");
    assertThat(sent.complete()).isTrue();
    assertThat(sent.text()).isEqualTo("hi there");
    assertThat(sent.chat()).isEqualTo(chat);
    assertThat(store.outbox().forInbound("telegram:1:10")).containsExactly(sent);
    assertThat(store.outbox().claim("n", chat, "x again", null).status())
        .isEqualTo(Outbox.Status.UNKNOWN);
  }

  @Test
  void aHiddenExchangeStaysHiddenAfterAReopenAndItsCommandHidesNothingMore() {
    var c = store.conversations();
    c.append("s", 0, "user", "one");
    c.append("s", 0, "assistant", "done one");
    c.append("s", 0, "user", "two");
    c.append("s", 0, "assistant", "done two");
    assertThat(c.hideLastExchange("s", 0, "undo-1"))
        .extracting(l -> l.text())
        .containsExactly("two", "done two");
    reopen();
    assertThat(store.conversations().lines("s", 0, 10))
        .extracting(l -> l.text())
        .containsExactly("one", "done one");
    // the same command replayed by the next process (it crashed before answering)
    assertThat(store.conversations().hideLastExchange("s", 0, "undo-1"))
        .extracting(l -> l.text())
        .containsExactly("two", "done two");
    assertThat(store.conversations().hideLastExchange("s", 0, "undo-2"))
        .extracting(l -> l.text())
        .containsExactly("one", "done one");
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
    assertThat(c.settings("s"))
        .containsExactly(entry("busy_policy", "queue"), entry("model", "qwen2.5"));
    assertThat(c.settingsNamed("busy_policy"))
        .containsExactly(entry("s", "queue"), entry("t", "interrupt"));
    assertThat(c.usage("s", 0)).isEqualTo(new Conversations.Usage(2, 150, 15));
    assertThat(c.totalUsage("s")).isEqualTo(new Conversations.Usage(3, 157, 18));
  }

  @Test
  void cursorsAndConversationsSurviveAReopen() {
    store.cursors().put("telegram", "offset", "41");
    store.cursors().put("telegram", "offset", "42");
    assertThat(store.conversations().startNew("s")).isEqualTo(1);
    store.conversations().append("s", 1, "user", "hi");
    store.conversations().append("s", 1, "assistant", "hello");
    store.conversations().append("s", 0, "user", "old");
    reopen();
    assertThat(store.cursors().get("telegram", "offset")).hasValue("42");
    assertThat(store.cursors().get("telegram", "missing")).isEmpty();
    assertThat(store.conversations().generation("s")).isEqualTo(1);
    assertThat(store.conversations().lines("s", 1, 10))
        .extracting(l -> l.role() + ":" + l.text())
        .containsExactly("user:hi", "assistant:hello");
    assertThat(store.conversations().lines("s", 0, 10))
        .extracting(l -> l.text())
        .containsExactly("old");
    assertThat(store.conversations().startNew("s")).isEqualTo(2);
  }

  @Test
  void aUsedCodeAndItsApprovalSurviveAReopen() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    Pairings.Code code = new Pairings.Code(
        "telegram", "ABCD2345", "99", "99", "Ann", now, now.plus(Duration.ofHours(1)), null);
    store.pairings().addCode(code);
    store
        .pairings()
        .addCode(new Pairings.Code(
            "telegram", "WXYZ2345", "98", "98", "Bob", now, now.plus(Duration.ofHours(1)), null));
    store.pairings().redeem(code, now);

    assertThat(reopen().pairings().approved("telegram", "99")).isTrue();
    assertThat(store.pairings().approvals("telegram"))
        .extracting(Pairings.Approval::displayName)
        .containsExactly("Ann");
    assertThat(store.pairings().findCode("telegram", "ABCD2345").orElseThrow().usedAt())
        .isEqualTo(now);
    assertThat(store.pairings().pending("telegram", now))
        .extracting(Pairings.Code::code)
        .containsExactly("WXYZ2345");
  }

  @Test
  void aSecondConnectionSeesCommitsAndCanWriteWhileTheFirstIsOpen() throws Exception {
    // The CLI (pairing approve) opens the same file while the gateway runs.
    try (Store cli = SqliteStore.open(dir.resolve("switchboard.db"), clock)) {
      Instant now = Instant.now();
      cli.pairings()
          .addCode(new Pairings.Code(
              "telegram", "QWER2345", "5", "5", "x", now, now.plusSeconds(60), null));
      cli.pairings().redeem(cli.pairings().findCode("telegram", "QWER2345").orElseThrow(), now);
    }
    assertThat(store.pairings().approved("telegram", "5")).isTrue();
  }
}
