package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A conversation's file read backwards a page at a time. */
class PageReaderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private static WebMessage user(int n) {
    return new WebMessage("u-" + n, WebMessage.USER, "question " + n, T0.plusSeconds(n));
  }

  private static WebMessage agent(String id, String text, int second) {
    return new WebMessage(id, WebMessage.AGENT, text, T0.plusSeconds(second));
  }

  private Path write(String... lines) throws IOException {
    Path file = dir.resolve("c.jsonl");
    Files.writeString(file, String.join("", lines));
    return file;
  }

  private static List<String> texts(PageReader.Slice slice) {
    return slice.messages().stream().map(m -> m.message().text()).toList();
  }

  @Test
  void pagesGoBackFromTheNewestAndEachStartsWhereTheNextOlderEnds() throws IOException {
    String[] lines = new String[11];
    lines[0] = ChatLine.created(T0);
    for (int i = 1; i <= 10; i++) {
      lines[i] = ChatLine.message(user(i));
    }
    Path file = write(lines);
    PageReader.Slice newest = PageReader.read(file, Files.size(file), 4, Long.MAX_VALUE);
    assertThat(texts(newest))
        .containsExactly("question 7", "question 8", "question 9", "question 10");
    PageReader.Slice older = PageReader.read(file, newest.start(), 4, Long.MAX_VALUE);
    assertThat(texts(older))
        .containsExactly("question 3", "question 4", "question 5", "question 6");
    PageReader.Slice oldest = PageReader.read(file, older.start(), 4, Long.MAX_VALUE);
    assertThat(texts(oldest)).containsExactly("question 1", "question 2");
    assertThat(oldest.start()).isZero();
  }

  @Test
  void aMessageWithSeveralLinesShowsItsLastTextInTheFirstPlace() throws IOException {
    Path file = write(
        ChatLine.created(T0),
        ChatLine.message(user(1)),
        ChatLine.message(agent("a-1", "draft \u2026", 2)),
        ChatLine.message(user(3)),
        ChatLine.message(agent("a-1", "the whole answer", 2)));
    PageReader.Slice all = PageReader.read(file, Files.size(file), 10, Long.MAX_VALUE);
    assertThat(texts(all)).containsExactly("question 1", "the whole answer", "question 3");
    assertThat(all.lines()).isEqualTo(5);
    assertThat(all.messages().get(1).first()).isLessThan(all.messages().get(1).last());
  }

  @Test
  void aPageTakesTheEarlierLinesOfItsMessagesUntilANewOneWouldOverflowIt() throws IOException {
    Path file = write(
        ChatLine.created(T0),
        ChatLine.message(user(1)),
        ChatLine.message(agent("a-1", "draft \u2026", 2)),
        ChatLine.message(user(3)),
        ChatLine.message(agent("a-1", "the whole answer", 2)));
    // Two messages fit: the answer (placed at its draft) and question 3; question 1 does not.
    PageReader.Slice page = PageReader.read(file, Files.size(file), 2, Long.MAX_VALUE);
    assertThat(texts(page)).containsExactly("the whole answer", "question 3");
    assertThat(texts(PageReader.read(file, page.start(), 2, Long.MAX_VALUE)))
        .containsExactly("question 1");
  }

  @Test
  void damagedLinesAreSkippedAndCounted() throws IOException {
    String whole = ChatLine.message(user(2));
    Path file = write(
        ChatLine.created(T0),
        ChatLine.message(user(1)),
        "{\"type\":\"message\",\"id\":\"u-x\",\"te\n",
        "not json at all\n",
        "{\"type\":\"message\",\"at\":\"yesterday\"}\n",
        whole,
        whole.substring(0, whole.length() / 2)); // cut off by a crash: no newline
    PageReader.Slice all = PageReader.read(file, Files.size(file), 10, Long.MAX_VALUE);
    assertThat(texts(all)).containsExactly("question 1", "question 2");
    assertThat(all.damaged()).isEqualTo(4);
  }

  @Test
  void aPageStopsAtItsByteBudgetWithAtLeastOneMessage() throws IOException {
    Path file = write(
        ChatLine.created(T0),
        ChatLine.message(user(1)),
        ChatLine.message(agent("a-1", "y".repeat(5_000), 2)),
        ChatLine.message(agent("a-2", "z".repeat(5_000), 3)));
    PageReader.Slice page = PageReader.read(file, Files.size(file), 10, 1_000);
    assertThat(page.messages()).hasSize(1);
    assertThat(page.messages().getFirst().message().id()).isEqualTo("a-2");
    assertThat(page.start()).isPositive();
  }

  @Test
  void theLatestTextOfAnIdIsFoundFarBack() throws IOException {
    StringBuilder many = new StringBuilder(ChatLine.created(T0));
    many.append(ChatLine.message(agent("a-old", "first", 1)));
    many.append(ChatLine.message(agent("a-old", "edited", 1)));
    for (int i = 0; i < 2_000; i++) {
      many.append(ChatLine.message(user(10 + i)));
    }
    Path file = write(many.toString());
    assertThat(PageReader.latest(file, Files.size(file), "a-old")).hasValueSatisfying(m -> {
      assertThat(m.text()).isEqualTo("edited");
      assertThat(m.role()).isEqualTo(WebMessage.AGENT);
      assertThat(m.at()).isEqualTo(T0.plusSeconds(1));
    });
    assertThat(PageReader.latest(file, Files.size(file), "a-none")).isEmpty();
    // "u-1" is a prefix of "u-10": only the whole id is a match
    assertThat(PageReader.latest(file, Files.size(file), "u-1")).isEmpty();
  }
}
