package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.common.Json;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.session.DrainReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class UnansweredLedgerTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path home;

  private static InboundMessage message(String platform, String chat, String thread, String id) {
    return new InboundMessage(new ChatRef(platform, chat, thread), id,
        new Sender("u1", null), "hello " + id, false, NOW);
  }

  private static InboundMessage message(String id) {
    return message("telegram", "chat-1", null, id);
  }

  private static UnansweredLedger.Entry entry(String id, String reason) {
    return new UnansweredLedger.Entry("telegram", "chat-1", null, id, reason);
  }

  private Path file() {
    return home.resolve(UnansweredLedger.NAME);
  }

  private List<String> filesInHome() throws IOException {
    try (Stream<Path> s = Files.list(home)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void nothingRecordedMeansNothingClaimedAndNoFile() {
    UnansweredLedger ledger = new UnansweredLedger(home);
    assertThat(ledger.claimAll()).isEmpty();
    assertThat(file()).doesNotExist();
  }

  @Test
  void addWritesTheFileAtOnce() throws IOException {
    new UnansweredLedger(home).add(message("slack", "C1", "171.5", "m-1"), DrainReason.RESTART);

    JsonNode json = Json.mapper().readTree(Files.readAllBytes(file()));
    assertThat(json.isArray()).isTrue();
    assertThat(json.size()).isEqualTo(1);
    JsonNode e = json.get(0);
    assertThat(e.propertyNames()).containsExactlyInAnyOrder("platform", "chat_id", "thread_id",
        "message_id", "reason");
    assertThat(e.get("platform").asString()).isEqualTo("slack");
    assertThat(e.get("chat_id").asString()).isEqualTo("C1");
    assertThat(e.get("thread_id").asString()).isEqualTo("171.5");
    assertThat(e.get("message_id").asString()).isEqualTo("m-1");
    assertThat(e.get("reason").asString()).isEqualTo("restart");
  }

  @Test
  void claimAllReturnsEverythingInOrderOnceAndDeletesTheFile() {
    UnansweredLedger ledger = new UnansweredLedger(home);
    ledger.add(message("m-1"), DrainReason.STOP);
    ledger.add(message("m-2"), DrainReason.RESTART);
    ledger.add(message("slack", "C1", "t", "m-3"), DrainReason.STOP);

    List<UnansweredLedger.Entry> all = ledger.claimAll();

    assertThat(all).containsExactly(entry("m-1", "stop"), entry("m-2", "restart"),
        new UnansweredLedger.Entry("slack", "C1", "t", "m-3", "stop"));
    assertThat(all.get(2).chat()).isEqualTo(new ChatRef("slack", "C1", "t"));
    assertThat(file()).doesNotExist();
    assertThat(ledger.claimAll()).isEmpty();
  }

  @Test
  void theSameMessageIsRecordedOnce() throws IOException {
    UnansweredLedger ledger = new UnansweredLedger(home);
    ledger.add(message("m-1"), DrainReason.RESTART);
    ledger.add(message("m-1"), DrainReason.RESTART);
    ledger.add(message("m-1"), DrainReason.STOP); // first reason wins

    assertThat(Json.mapper().readTree(Files.readAllBytes(file())).size()).isEqualTo(1);
    assertThat(ledger.claimAll()).containsExactly(entry("m-1", "restart"));
  }

  @Test
  void theSameIdInAnotherChatOrPlatformIsAnotherMessage() {
    UnansweredLedger ledger = new UnansweredLedger(home);
    ledger.add(message("telegram", "chat-1", null, "m-1"), DrainReason.STOP);
    ledger.add(message("telegram", "chat-2", null, "m-1"), DrainReason.STOP);
    ledger.add(message("slack", "chat-1", null, "m-1"), DrainReason.STOP);

    assertThat(ledger.claimAll()).hasSize(3);
  }

  @Test
  void entriesSurviveIntoTheNextProcessAndAreClaimedOnce() {
    UnansweredLedger first = new UnansweredLedger(home);
    first.add(message("m-1"), DrainReason.RESTART);
    first.add(message("m-2"), DrainReason.RESTART);

    UnansweredLedger next = new UnansweredLedger(home);
    assertThat(next.claimAll()).containsExactly(entry("m-1", "restart"), entry("m-2", "restart"));
    assertThat(file()).doesNotExist();

    assertThat(new UnansweredLedger(home).claimAll()).isEmpty();
  }

  @Test
  void aNewProcessAddingKeepsUnclaimedEntriesOfThePreviousOne() {
    UnansweredLedger first = new UnansweredLedger(home);
    first.add(message("m-1"), DrainReason.RESTART);

    // the next process stops again before it claimed anything
    UnansweredLedger second = new UnansweredLedger(home);
    second.add(message("m-2"), DrainReason.STOP);
    second.add(message("m-1"), DrainReason.STOP); // already recorded by the first

    assertThat(new UnansweredLedger(home).claimAll())
        .containsExactly(entry("m-1", "restart"), entry("m-2", "stop"));
  }

  @Test
  void claimAllMergesWhatThisInstanceAddedWithTheFile() {
    UnansweredLedger ledger = new UnansweredLedger(home);
    ledger.add(message("m-1"), DrainReason.STOP);
    ledger.add(message("m-2"), DrainReason.STOP);

    assertThat(ledger.claimAll()).containsExactly(entry("m-1", "stop"), entry("m-2", "stop"));
  }

  @Test
  void addingAfterAClaimStartsAFreshFile() {
    UnansweredLedger ledger = new UnansweredLedger(home);
    ledger.add(message("m-1"), DrainReason.STOP);
    ledger.claimAll();

    ledger.add(message("m-2"), DrainReason.RESTART);

    assertThat(new UnansweredLedger(home).claimAll()).containsExactly(entry("m-2", "restart"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "{", "{\"a\": 1}", "[1, 2]"})
  void anUnreadableFileIsIgnored(String garbage) throws IOException {
    Files.writeString(file(), garbage);

    UnansweredLedger ledger = new UnansweredLedger(home);
    assertThatCode(() -> ledger.add(message("m-1"), DrainReason.STOP))
        .doesNotThrowAnyException();
    assertThat(new UnansweredLedger(home).claimAll()).containsExactly(entry("m-1", "stop"));
  }

  @Test
  void claimingAnUnreadableFileReturnsNothingAndRemovesIt() throws IOException {
    Files.writeString(file(), "garbage");

    assertThat(new UnansweredLedger(home).claimAll()).isEmpty();
    assertThat(file()).doesNotExist();
  }

  /**
   * BUG: readFile() returns null for a file holding the JSON literal {@code null}; add() then
   * throws NullPointerException (it catches only IOException and JacksonException) into the
   * dispatcher's drain path, and claimAll() throws too.
   */
  @Test
  void aFileHoldingJsonNullIsIgnored() throws IOException {
    Files.writeString(file(), "null");

    assertThatCode(() -> new UnansweredLedger(home).add(message("m-1"), DrainReason.STOP))
        .doesNotThrowAnyException();
    Files.writeString(file(), "null");
    assertThatCode(() -> new UnansweredLedger(home).claimAll()).doesNotThrowAnyException();
  }

  @Test
  void aFailedWriteIsLoggedAndKeptInMemory() {
    Path gone = home.resolve("not-there");
    UnansweredLedger ledger = new UnansweredLedger(gone);

    assertThatCode(() -> ledger.add(message("m-1"), DrainReason.STOP))
        .doesNotThrowAnyException();
    assertThat(ledger.claimAll()).containsExactly(entry("m-1", "stop"));
  }

  @Test
  void noTemporaryFilesAreLeftBehind() throws IOException {
    UnansweredLedger ledger = new UnansweredLedger(home);
    for (int i = 0; i < 10; i++) {
      ledger.add(message("m-" + i), DrainReason.STOP);
    }
    assertThat(filesInHome()).containsExactly(UnansweredLedger.NAME);
    ledger.claimAll();
    assertThat(filesInHome()).isEmpty();
  }
}
