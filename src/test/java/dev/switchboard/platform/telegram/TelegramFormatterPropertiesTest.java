package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the Telegram formatting over Markdown-ish replies: words, long words, spaces,
 * runs of newlines, emoji (surrogate pairs, flags, ZWJ sequences), CJK, HTML-looking text,
 * every Markdown marker matched and unmatched, links, bare URLs and code fences, with limits
 * from a few code units (many cuts) to Telegram's 4096. Every chunk is read by two parsers:
 * {@link HtmlCheck}, which also holds the formatter to its own conservative nesting, and the
 * fake server's {@link TelegramHtmlParser}, which follows TDLib; they must agree on the text.
 */
class TelegramFormatterPropertiesTest {
  private final TelegramFormatter formatter = new TelegramFormatter();

  @Provide
  Arbitrary<String> replies() {
    Arbitrary<String> words = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(8);
    Arbitrary<String> styled = Combinators.combine(
            Arbitraries.of("**", "__", "*", "_", "~~", "`", "***"), words.list().ofMinSize(1)
                .ofMaxSize(4))
        .as((marker, inner) -> marker + String.join(" ", inner) + marker);
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        Tuple.of(10, words),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(20)
            .ofMaxLength(90)),
        Tuple.of(8, Arbitraries.just(" ")),
        Tuple.of(4, Arbitraries.just("\n")),
        Tuple.of(2, Arbitraries.of("\n\n", "\n\n\n\n\n\n", "\n \n", "   ", "\t")),
        Tuple.of(3, Arbitraries.of("\uD83D\uDE00", "\uD83D\uDC4D\uD83C\uDFFD",
            "\uD83C\uDDE9\uD83C\uDDEA", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "\uD834\uDD1E", "\u00e9", "e\u0301")),
        Tuple.of(2, Arbitraries.of("\u4e2d\u6587", "\u65e5\u672c\u8a9e", "\ud55c\uad6d\uc5b4")),
        Tuple.of(3, Arbitraries.of("<", ">", "&", "&amp;", "&lt;", "<b>", "</i>", "\"", "'",
            "&#60;", "<script>", "a<b", "AT&T")),
        Tuple.of(6, Arbitraries.of("*", "**", "***", "_", "__", "~~", "~", "`", "``", "[", "]",
            "(", ")", "\\", "\\*", "#", "\n> ", "\n# ", "\n## ", "\n>", "snake_case_name",
            "__init__", "2 * 3", "\n- ", "\n1. ")),
        Tuple.of(4, styled),
        Tuple.of(2, Arbitraries.of("\n```\n", "\n```python\n", "```", "\n```\"><x\n",
            "\n  ```sh\n", "\n```\n\n```\n")),
        Tuple.of(2, Arbitraries.of("[link](https://x.test/a_b?q=\"1\"&r=<2>)",
            "https://x.test/a_(b)_c", "[x](http://x.test/(y))", "[**b** `c`](https://x.test)",
            "(see https://x.test/a_b_)")),
        Tuple.of(1, Arbitraries.of("\u00a0", "\u200b", "\u2800", "\u3000", "\r\n")));
    Arbitrary<String> reply = piece.list().ofMaxSize(150).map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
        Tuple.of(8, reply),
        Tuple.of(1, reply.list().ofMinSize(2).ofMaxSize(40).map(parts -> String.join("", parts))),
        Tuple.of(1, reply.map(r -> r + "\n```js\n" + "let a = b < c && d;\n".repeat(300)
            + "```\n" + r)));
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(16, 100, 4096)),
        Tuple.of(4, Arbitraries.integers().between(3, 40)));
  }

  /** The text Telegram shows for one chunk; throws if either parser rejects the chunk. */
  private static String shown(String html) {
    String text = HtmlCheck.visible(html);
    assertThat(TelegramHtmlParser.parse(html).text()).as(html).isEqualTo(text);
    return text;
  }

  private static String shown(List<String> htmlChunks) {
    StringBuilder out = new StringBuilder();
    htmlChunks.forEach(chunk -> out.append(shown(chunk)));
    return out.toString();
  }

  /**
   * What the chunks may show of a text: all of it but blanks at either end (Telegram strips
   * them) and the part of a blank run beyond {@code max - 2} code units (else some message
   * would have to be blank).
   */
  static String sendable(String text, int max) {
    int from = 0;
    while (from < text.length() && VisibleChunker.isBlank(text.codePointAt(from))) {
      from += Character.charCount(text.codePointAt(from));
    }
    int to = text.length();
    while (to > from && VisibleChunker.isBlank(text.codePointBefore(to))) {
      to -= Character.charCount(text.codePointBefore(to));
    }
    StringBuilder out = new StringBuilder();
    int run = 0;
    for (int i = from; i < to; i += Character.charCount(text.codePointAt(i))) {
      int cp = text.codePointAt(i);
      run = VisibleChunker.isBlank(cp) ? run + Character.charCount(cp) : 0;
      if (run <= max - 2) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** Independent of the formatter's own notion: something a reader would see. */
  private static boolean showsSomething(String text) {
    return text.codePoints().anyMatch(cp -> !Character.isWhitespace(cp)
        && !Character.isSpaceChar(cp) && Character.getType(cp) != Character.CONTROL
        && Character.getType(cp) != Character.FORMAT);
  }

  @Property(tries = 1000)
  void everyChunkFitsTheLimit(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(formatter.toHtmlChunks(md, max)).allSatisfy(chunk ->
        assertThat(shown(chunk).length()).as(chunk).isLessThanOrEqualTo(max));
    assertThat(formatter.toPlainChunks(md, max)).allSatisfy(chunk ->
        assertThat(chunk.length()).as(chunk).isLessThanOrEqualTo(max));
  }

  @Property(tries = 1000)
  void chunksJoinToTheVisibleTextOfTheWholeReply(@ForAll("replies") String md,
      @ForAll("limits") int max) {
    String whole = shown(formatter.toHtml(md));

    assertThat(shown(formatter.toHtmlChunks(md, max))).isEqualTo(sendable(whole, max));
  }

  @Property(tries = 1000)
  void everyChunkIsWellFormedTelegramHtml(@ForAll("replies") String md,
      @ForAll("limits") int max) {
    for (String chunk : formatter.toHtmlChunks(md, max)) {
      HtmlCheck.parse(chunk);
      TelegramHtmlParser.parse(chunk);
    }
    HtmlCheck.parse(formatter.toHtml(md));
    TelegramHtmlParser.parse(formatter.toHtml(md));
  }

  @Property(tries = 1000)
  void noChunkIsBlank(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(formatter.toHtmlChunks(md, max)).allSatisfy(chunk ->
        assertThat(showsSomething(shown(chunk))).as(chunk).isTrue());
    assertThat(formatter.toPlainChunks(md, max)).allSatisfy(chunk ->
        assertThat(showsSomething(chunk)).as(chunk).isTrue());
  }

  @Property(tries = 1000)
  void noChunkSplitsASurrogatePair(@ForAll("replies") String md, @ForAll("limits") int max) {
    List<String> texts = new ArrayList<>(formatter.toPlainChunks(md, max));
    formatter.toHtmlChunks(md, max).forEach(chunk -> texts.add(shown(chunk)));

    assertThat(texts).allSatisfy(text -> {
      assertThat(Character.isLowSurrogate(text.charAt(0))).as("starts with low: %s", text)
          .isFalse();
      assertThat(Character.isHighSurrogate(text.charAt(text.length() - 1)))
          .as("ends with high: %s", text).isFalse();
    });
  }

  @Property(tries = 1000)
  void plainChunksJoinToTheInput(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(String.join("", formatter.toPlainChunks(md, max))).isEqualTo(sendable(md, max));
  }

  @Property(tries = 1000)
  void plainChunksJoinToExactlyTheInputWhenNothingNeedsDropping(@ForAll("replies") String body,
      @ForAll @IntRange(min = 16, max = 4096) int max) {
    String md = "[" + body + "]";
    Assume.that(sendable(md, max).equals(md));

    assertThat(String.join("", formatter.toPlainChunks(md, max))).isEqualTo(md);
  }

  @Property(tries = 500)
  void aReplyThatFitsIsOneChunk(@ForAll("replies") String md) {
    String whole = sendable(HtmlCheck.visible(formatter.toHtml(md)), 4096);
    Assume.that(!whole.isEmpty() && whole.length() <= 4096);

    assertThat(formatter.toHtmlChunks(md, 4096)).hasSize(1);
  }

  @Provide
  Arbitrary<String> literalText() {
    return Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
                .ofMaxLength(10)),
            Tuple.of(3, Arbitraries.of(" ", "\n", "\n\n", "<", "1>0", "&", "\"", "'", "&amp;",
                "<b>x</b>", "&lt;", "\uD83D\uDE00", "\u4e2d", "=", "/", ";", "{", "}")))
        .list().ofMinSize(1).ofMaxSize(100).map(parts -> String.join("", parts));
  }

  @Property(tries = 1000)
  void textWithoutMarkdownIsShownExactlyAsWritten(@ForAll("literalText") String text,
      @ForAll("limits") int max) {
    assertThat(shown(formatter.toHtmlChunks(text, max))).isEqualTo(sendable(text, max));
    assertThat(formatter.toHtmlChunks(text, max)).allSatisfy(chunk ->
        assertThat(HtmlCheck.parse(chunk).entities()).isEmpty());
  }
}
