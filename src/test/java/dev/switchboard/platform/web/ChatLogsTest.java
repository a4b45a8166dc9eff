package dev.switchboard.platform.web;

import static dev.switchboard.platform.web.WebMessage.Markup.HTML;
import static dev.switchboard.platform.web.WebMessage.Markup.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conversations on disk: listed from their ends, read in pages, cached within a budget. */
class ChatLogsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path home;

  private Path dir() {
    return home.resolve("web");
  }

  private ChatLogs open(ChatLog.Limits limits, long cacheBytes) throws IOException {
    ChatLogs logs = new ChatLogs(
        dir(), Clock.fixed(T0.plusSeconds(10_000), ZoneOffset.UTC), limits, cacheBytes);
    logs.load();
    return logs;
  }

  private ChatLogs open() throws IOException {
    return open(ChatLogs.LIMITS, ChatLogs.CACHE_BYTES);
  }

  private static WebMessage user(int n, String text) {
    return new WebMessage("u-" + n, WebMessage.USER, text, T0.plusSeconds(n));
  }

  private static WebMessage agent(int n, String text) {
    return new WebMessage("a-" + n, WebMessage.AGENT, text, T0.plusSeconds(n));
  }

  private void writeChat(String id, String... lines) throws IOException {
    Files.createDirectories(dir());
    Files.writeString(dir().resolve(id + ".jsonl"), String.join("", lines));
  }

  private static List<String> texts(MessagePage page) {
    return page.messages().stream().map(WebMessage::text).toList();
  }

  @Test
  void theListComesFromTheEndsOfTheFilesWithoutReadingTheMessages() throws IOException {
    StringBuilder middle = new StringBuilder();
    for (int i = 3; i < 500; i++) {
      middle.append(ChatLine.message(agent(i, "answer " + i)));
    }
    String last = ChatLine.message(agent(600, "the last answer"));
    writeChat(
        "c1",
        ChatLine.created(T0),
        ChatLine.message(agent(1, "hello, I am the agent")),
        ChatLine.message(user(2, "  What is the capital of France?\nAnd of Spain?")),
        middle.toString(),
        last,
        last.substring(0, 30)); // a line cut off by a crash
    writeChat("c2", ChatLine.created(T0.plusSeconds(700)));
    ChatLogs logs = open();
    assertThat(logs.list())
        .containsExactly(
            new ChatSummary("c2", ChatSummary.UNTITLED, T0.plusSeconds(700)),
            new ChatSummary("c1", "What is the capital of France?", T0.plusSeconds(600)));
    assertThat(logs.cachedBytes()).isZero();
  }

  @Test
  void aLineCutOffByACrashDoesNotSwallowTheNextMessage() throws IOException {
    String cut = ChatLine.message(user(2, "lost in the crash"));
    writeChat(
        "c1",
        ChatLine.created(T0),
        ChatLine.message(user(1, "kept")),
        cut.substring(0, cut.length() - 10));
    ChatLogs logs = open();
    logs.add("c1", agent(3, "written after the restart"));
    assertThat(texts(logs.page("c1", null, 10).orElseThrow()))
        .containsExactly("kept", "written after the restart");
    assertThat(texts(open().page("c1", null, 10).orElseThrow()))
        .containsExactly("kept", "written after the restart");
  }

  @Test
  void pagesGoBackToTheStartOfTheConversation() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    for (int i = 1; i <= 120; i++) {
      logs.add(chat, user(i, "message " + i));
    }
    MessagePage newest = open().page(chat, null, 50).orElseThrow();
    assertThat(texts(newest)).hasSize(50).first().isEqualTo("message 71");
    MessagePage older = open().page(chat, newest.before(), 50).orElseThrow();
    assertThat(texts(older)).hasSize(50).first().isEqualTo("message 21");
    MessagePage oldest = open().page(chat, older.before(), 50).orElseThrow();
    assertThat(texts(oldest)).hasSize(20).first().isEqualTo("message 1");
    assertThat(oldest.before()).isNull();
    assertThat(logs.page("nochat", null, 50)).isEmpty();
    assertThatThrownBy(() -> logs.page(chat, Long.MAX_VALUE / 2, 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFirstUserMessageTitlesAConversation() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    assertThat(logs.add(chat, agent(1, "welcome"))).isEmpty();
    assertThat(logs.add(chat, user(2, "  "))).isEmpty();
    assertThat(logs.add(chat, user(3, "x".repeat(80))))
        .hasValueSatisfying(s -> assertThat(s.title()).isEqualTo("x".repeat(60) + "\u2026"));
    assertThat(logs.add(chat, user(4, "second"))).isEmpty();
    assertThat(open().list().getFirst().title()).isEqualTo("x".repeat(60) + "\u2026");
  }

  @Test
  void anEditOfAMessageLongGoneFromMemoryIsFoundOnDisk() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    logs.add(chat, agent(1, "an old answer"));
    for (int i = 2; i < 400; i++) {
      logs.add(chat, user(i, "message " + i));
    }
    ChatLogs restarted = open();
    assertThat(restarted.edit(
            chat, "a-1", "an old answer, corrected", TEXT, T0.plusSeconds(500), false))
        .hasValue(
            new WebMessage("a-1", WebMessage.AGENT, "an old answer, corrected", T0.plusSeconds(1)));
    assertThat(restarted.edit(chat, "a-404", "nothing", TEXT, T0.plusSeconds(500), false))
        .isEmpty();
    assertThat(restarted.edit("nochat", "a-1", "nothing", TEXT, T0.plusSeconds(500), false))
        .isEmpty();
    assertThat(restarted.list().getFirst().updatedAt()).isEqualTo(T0.plusSeconds(500));
    // Its new line is the newest: the newest page shows it with its new text.
    assertThat(texts(restarted.page(chat, null, 1).orElseThrow()))
        .containsExactly("an old answer, corrected");
    assertThat(open().edit(chat, "a-1", "again", TEXT, T0.plusSeconds(501), false))
        .isPresent();
  }

  @Test
  void aRetriedSendIsRecognisedAfterARestart() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    logs.add(chat, user(1, "hello"));
    ChatLogs restarted = open();
    assertThat(restarted.has(chat, "u-1")).isTrue();
    assertThat(restarted.has(chat, "u-2")).isFalse();
    assertThat(restarted.has("nochat", "u-1")).isFalse();
  }

  @Test
  void aStreamedReplyIsShownFromMemoryAndWrittenOnceWhenFlushed() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    Path file = dir().resolve(chat + ".jsonl");
    logs.add(chat, agent(1, "a \u2026"));
    long before = Files.size(file);
    for (int i = 0; i < 30; i++) {
      logs.edit(chat, "a-1", "a b c ".repeat(i) + "\u2026", TEXT, T0.plusSeconds(2), true);
    }
    assertThat(Files.size(file)).isEqualTo(before);
    logs.edit(chat, "a-1", "done", TEXT, T0.plusSeconds(3), true);
    assertThat(texts(logs.page(chat, null, 10).orElseThrow())).containsExactly("done");
    logs.flush(chat);
    assertThat(Files.readAllLines(file)).hasSize(3).last().asString().contains("\"done\"");
    logs.flush(chat);
    assertThat(Files.readAllLines(file)).hasSize(3);
    assertThat(texts(open().page(chat, null, 10).orElseThrow())).containsExactly("done");
  }

  @Test
  void aLargeConversationIsNotRewrittenWhenRead() throws IOException {
    ChatLogs logs = open(new ChatLog.Limits(10, 1024 * 1024, 1_000), ChatLogs.CACHE_BYTES);
    String chat = logs.create().id();
    for (int i = 1; i <= 40; i++) {
      logs.add(chat, agent(i, "draft " + i + " \u2026"));
      logs.edit(chat, "a-" + i, "answer " + i, TEXT, T0.plusSeconds(i), false);
    }
    Path file = dir().resolve(chat + ".jsonl");
    byte[] written = Files.readAllBytes(file);
    ChatLogs restarted = open(new ChatLog.Limits(10, 1024 * 1024, 1_000), ChatLogs.CACHE_BYTES);
    assertThat(texts(restarted.page(chat, null, 5).orElseThrow()))
        .containsExactly("answer 36", "answer 37", "answer 38", "answer 39", "answer 40");
    assertThat(Files.readAllBytes(file)).isEqualTo(written);
  }

  @Test
  void theCachedMessagesStayWithinTheirBudget() throws IOException {
    long budget = 64 * 1024;
    ChatLogs logs = open(new ChatLog.Limits(20, 1024 * 1024, 0), budget);
    List<String> chats = new ArrayList<>();
    for (int c = 0; c < 30; c++) {
      String chat = logs.create().id();
      chats.add(chat);
      for (int i = 0; i < 20; i++) {
        logs.add(chat, user(i, "y".repeat(500)));
      }
    }
    ChatLogs restarted = open(new ChatLog.Limits(20, 1024 * 1024, 0), budget);
    long most = 0;
    for (String chat : chats) {
      assertThat(restarted.page(chat, null, 20).orElseThrow().messages()).hasSize(20);
      most = Math.max(most, restarted.cachedBytes());
    }
    assertThat(most).isPositive().isLessThanOrEqualTo(budget);
  }

  @Test
  void linesWrittenByAnEarlierVersionAreReadAsBefore() throws IOException {
    // The format of the first version, byte for byte: created, then messages, last line wins.
    writeChat(
        "old-1",
        "{\"type\":\"created\",\"at\":\"2026-01-01T00:00:00Z\"}\n",
        "{\"type\":\"message\",\"id\":\"u-c1\",\"role\":\"user\",\"text\":\"h\u00e9llo\","
            + "\"at\":\"2026-01-01T00:00:01Z\"}\n",
        "{\"type\":\"message\",\"id\":\"a-1\",\"role\":\"agent\",\"text\":\"h \u2026\","
            + "\"at\":\"2026-01-01T00:00:02Z\"}\n",
        "{\"type\":\"message\",\"id\":\"a-1\",\"role\":\"agent\",\"text\":\"h\u00e9llo back\","
            + "\"at\":\"2026-01-01T00:00:02Z\"}\n");
    ChatLogs logs = open();
    assertThat(logs.page("old-1", null, 50).orElseThrow().messages())
        .containsExactly(
            new WebMessage("u-c1", "user", "h\u00e9llo", T0.plusSeconds(1)),
            new WebMessage("a-1", "agent", "h\u00e9llo back", T0.plusSeconds(2)));
    Files.writeString(
        dir().resolve("old-1.jsonl"), "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(open().page("old-1", null, 50).orElseThrow().messages()).hasSize(2);
  }

  @Test
  void aReplyStoredBeforeRepliesWereRenderedIsTextWhateverItHolds() throws IOException {
    // An agent's line of the earlier format, with no mark: what it holds is shown as typed.
    writeChat(
        "old-2",
        "{\"type\":\"created\",\"at\":\"2026-01-01T00:00:00Z\"}\n",
        "{\"type\":\"message\",\"id\":\"a-1\",\"role\":\"agent\","
            + "\"text\":\"**raw** <img src=x onerror=alert(1)>\","
            + "\"at\":\"2026-01-01T00:00:02Z\"}\n",
        "{\"type\":\"message\",\"id\":\"a-2\",\"role\":\"agent\",\"text\":\"<b>x</b>\","
            + "\"format\":\"markdown\",\"at\":\"2026-01-01T00:00:03Z\"}\n");

    assertThat(open().page("old-2", null, 50).orElseThrow().messages())
        .extracting(WebMessage::markup)
        .containsExactly(TEXT, TEXT);
  }

  @Test
  void aRenderedReplyIsMarkedAsHtmlOnDiskAndReadBackSo() throws IOException {
    ChatLogs logs = open();
    String chat = logs.create().id();
    logs.add(chat, user(1, "**hi**"));
    logs.add(chat, new WebMessage("a-2", WebMessage.AGENT, "<strong>h", HTML, T0.plusSeconds(2)));
    logs.edit(chat, "a-2", "<strong>hi</strong> \u2026", HTML, T0.plusSeconds(3), true);
    logs.edit(chat, "a-2", "<strong>hi</strong>", HTML, T0.plusSeconds(4), true);
    logs.flush(chat);

    List<String> lines = Files.readAllLines(dir().resolve(chat + ".jsonl"));
    assertThat(lines.get(1)).contains("\"text\":\"**hi**\"").doesNotContain("format");
    assertThat(lines.get(2)).contains("\"format\":\"html\"");
    assertThat(lines.getLast()).contains("\"text\":\"<strong>hi</strong>\"", "\"format\":\"html\"");
    // Read afresh, and compacted on the way (the first text of the reply is superseded).
    ChatLogs restarted = open();
    assertThat(restarted.page(chat, null, 50).orElseThrow().messages())
        .containsExactly(
            new WebMessage("u-1", WebMessage.USER, "**hi**", TEXT, T0.plusSeconds(1)),
            new WebMessage(
                "a-2", WebMessage.AGENT, "<strong>hi</strong>", HTML, T0.plusSeconds(2)));
    assertThat(Files.readAllLines(dir().resolve(chat + ".jsonl")))
        .hasSize(3)
        .last()
        .asString()
        .contains("\"format\":\"html\"");
  }
}
