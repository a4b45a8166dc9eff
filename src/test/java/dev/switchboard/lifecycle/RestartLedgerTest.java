package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Json;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class RestartLedgerTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path home;

  private static InboundMessage message(String platform, String chat, String thread, String id) {
    return new InboundMessage(
        new ChatRef(platform, chat, thread),
        id,
        new Sender("user-" + id, "User " + id),
        "/restart",
        false,
        NOW);
  }

  private static InboundMessage message(String id) {
    return message("telegram", "chat-1", null, id);
  }

  private Path file() {
    return home.resolve(RestartLedger.NAME);
  }

  private List<String> filesInHome() throws IOException {
    try (Stream<Path> s = Files.list(home)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFreshHomeHasNothingPendingOrHonoured() {
    RestartLedger ledger = new RestartLedger(home);
    assertThat(ledger.honoured(message("1"))).isFalse();
    assertThat(ledger.claimPending()).isEmpty();
    assertThat(file()).doesNotExist();
  }

  @Test
  void recordMarksTheMessageHonoured() throws IOException {
    RestartLedger ledger = new RestartLedger(home);
    InboundMessage restart = message("m-1");

    ledger.record(restart, NOW);

    assertThat(ledger.honoured(restart)).isTrue();
    assertThat(ledger.honoured(message("m-2"))).isFalse();
    // the same message redelivered (same chat and id, another copy) is honoured too
    assertThat(ledger.honoured(message("m-1"))).isTrue();
    // the same id in another chat or on another platform is another message
    assertThat(ledger.honoured(message("telegram", "chat-2", null, "m-1"))).isFalse();
    assertThat(ledger.honoured(message("slack", "chat-1", null, "m-1"))).isFalse();
  }

  @Test
  void theNextProcessSeesTheRequesterAndTheHonouredKey() throws IOException {
    InboundMessage restart = message("slack", "C123", "1700000000.0001", "m-7");
    new RestartLedger(home).record(restart, NOW);

    RestartLedger next = new RestartLedger(home); // the relaunched process

    assertThat(next.honoured(restart)).isTrue();
    Optional<RestartLedger.Requester> pending = next.claimPending();
    assertThat(pending)
        .contains(new RestartLedger.Requester(
            "slack", "C123", "1700000000.0001", "m-7", "user-m-7", NOW));
    assertThat(pending.get().chat()).isEqualTo(new ChatRef("slack", "C123", "1700000000.0001"));
  }

  @Test
  void theRequesterIsClaimedExactlyOnceByOneInstance() throws IOException {
    RestartLedger ledger = new RestartLedger(home);
    ledger.record(message("m-1"), NOW);

    assertThat(ledger.claimPending()).isPresent();
    assertThat(ledger.claimPending()).isEmpty();
    assertThat(ledger.claimPending()).isEmpty();
  }

  @Test
  void theRequesterIsClaimedExactlyOnceAcrossInstances() throws IOException {
    new RestartLedger(home).record(message("m-1"), NOW);

    RestartLedger second = new RestartLedger(home);
    assertThat(second.claimPending()).isPresent();

    RestartLedger third = new RestartLedger(home); // e.g. the process after a crash
    assertThat(third.claimPending()).isEmpty();
    // honoured keys outlive the claim: a redelivered /restart must still not restart again
    assertThat(third.honoured(message("m-1"))).isTrue();
  }

  @Test
  void claimingRewritesTheFileWithoutTheRequester() throws IOException {
    new RestartLedger(home).record(message("m-1"), NOW);
    assertThat(onDisk().get("pending").isNull()).isFalse();

    new RestartLedger(home).claimPending();

    JsonNode json = onDisk();
    assertThat(json.get("pending").isNull()).isTrue();
    assertThat(json.get("honoured").size()).isEqualTo(1);
    assertThat(json.get("honoured").get(0).asString()).isEqualTo("telegram:chat-1:m-1");
  }

  @Test
  void theFileUsesSnakeCase() throws IOException {
    new RestartLedger(home).record(message("telegram", "c", "t", "m-1"), NOW);

    JsonNode pending = onDisk().get("pending");
    assertThat(pending.propertyNames())
        .containsExactlyInAnyOrder(
            "platform", "chat_id", "thread_id", "message_id", "user_id", "requested_at");
    assertThat(pending.get("requested_at").asString()).isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void aLaterRecordReplacesTheRequesterAndKeepsEarlierKeys() throws IOException {
    RestartLedger ledger = new RestartLedger(home);
    ledger.record(message("m-1"), NOW);
    ledger.record(message("slack", "C9", null, "m-2"), NOW.plusSeconds(60));

    RestartLedger next = new RestartLedger(home);
    assertThat(next.honoured(message("m-1"))).isTrue();
    assertThat(next.honoured(message("slack", "C9", null, "m-2"))).isTrue();
    RestartLedger.Requester r = next.claimPending().orElseThrow();
    assertThat(r.platform()).isEqualTo("slack");
    assertThat(r.messageId()).isEqualTo("m-2");
    assertThat(r.requestedAt()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void honouredKeysAreCappedKeepingTheNewest() throws IOException {
    RestartLedger ledger = new RestartLedger(home);
    int extra = 5;
    int total = RestartLedger.HONOURED_KEPT + extra;
    for (int i = 0; i < total; i++) {
      ledger.record(message("m-" + i), NOW);
    }

    RestartLedger next = new RestartLedger(home);
    for (RestartLedger l : List.of(ledger, next)) {
      for (int i = 0; i < extra; i++) {
        assertThat(l.honoured(message("m-" + i))).as("dropped m-%d", i).isFalse();
      }
      for (int i = extra; i < total; i++) {
        assertThat(l.honoured(message("m-" + i))).as("kept m-%d", i).isTrue();
      }
    }
    assertThat(onDisk().get("honoured").size()).isEqualTo(RestartLedger.HONOURED_KEPT);
    assertThat(next.claimPending().orElseThrow().messageId()).isEqualTo("m-" + (total - 1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "garbage", "{", "[]", "{\"honoured\": 5}", "{\"pending\": \"someone\"}"})
  void anUnreadableFileIsIgnoredAndReplaced(String garbage) throws IOException {
    Files.writeString(file(), garbage);

    RestartLedger ledger = new RestartLedger(home);
    assertThat(ledger.honoured(message("m-1"))).isFalse();
    assertThat(ledger.claimPending()).isEmpty();

    ledger.record(message("m-1"), NOW);
    RestartLedger next = new RestartLedger(home);
    assertThat(next.honoured(message("m-1"))).isTrue();
    assertThat(next.claimPending()).isPresent();
  }

  /**
   * BUG: a file holding the JSON literal {@code null} is read as a null Content: the
   * constructor succeeds, and honoured()/record()/claimPending() then throw
   * NullPointerException, which the restart command and the startup path do not expect.
   */
  @Test
  void aFileHoldingJsonNullIsIgnored() throws IOException {
    Files.writeString(file(), "null");

    RestartLedger ledger = new RestartLedger(home);
    assertThatCode(() -> {
          assertThat(ledger.honoured(message("m-1"))).isFalse();
          assertThat(ledger.claimPending()).isEmpty();
          ledger.record(message("m-1"), NOW);
        })
        .doesNotThrowAnyException();
  }

  @Test
  void aFileWithOnlyHonouredKeysIsRead() throws IOException {
    Files.writeString(file(), "{\"honoured\": [\"telegram:chat-1:m-1\"], \"extra\": 1}");

    RestartLedger ledger = new RestartLedger(home);
    assertThat(ledger.honoured(message("m-1"))).isTrue();
    assertThat(ledger.claimPending()).isEmpty();
  }

  @Test
  void aFailedRecordThrowsAndChangesNothing() throws IOException {
    Path gone = home.resolve("not-there");
    RestartLedger ledger = new RestartLedger(gone);

    assertThatThrownBy(() -> ledger.record(message("m-1"), NOW)).isInstanceOf(IOException.class);

    assertThat(ledger.honoured(message("m-1"))).isFalse();
    assertThat(ledger.claimPending()).isEmpty();
  }

  @Test
  void aClaimThatCannotBeWrittenReturnsNothingAndKeepsTheRequester() throws IOException {
    Path sub = Files.createDirectory(home.resolve("sub"));
    new RestartLedger(sub).record(message("m-1"), NOW);
    RestartLedger next = new RestartLedger(sub);
    // the directory disappears (disk trouble): the claim cannot be made durable
    Files.delete(sub.resolve(RestartLedger.NAME));
    Files.delete(sub);

    assertThat(next.claimPending())
        .as("no 'restarted' notice without a durable claim")
        .isEmpty();

    Files.createDirectory(sub);
    assertThat(next.claimPending()).isPresent();
    assertThat(next.claimPending()).isEmpty();
  }

  @Test
  void noTemporaryFilesAreLeftBehind() throws IOException {
    RestartLedger ledger = new RestartLedger(home);
    for (int i = 0; i < 10; i++) {
      ledger.record(message("m-" + i), NOW);
    }
    ledger.claimPending();
    assertThat(filesInHome()).containsExactly(RestartLedger.NAME);
  }

  private JsonNode onDisk() throws IOException {
    return Json.mapper().readTree(Files.readAllBytes(file()));
  }
}
