package dev.switchboard.platform.telegram;

import static dev.switchboard.platform.telegram.TelegramReplies.htmlChunks;
import static dev.switchboard.platform.telegram.TelegramReplies.plainChunks;
import static dev.switchboard.platform.telegram.TelegramReplies.wholeHtml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser;
import dev.switchboard.text.MarkdownReplies;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
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
 * {@link HtmlCheck}, which also holds the renderer to its own conservative nesting, and the
 * fake server's {@link TelegramHtmlParser}, which follows TDLib; they must agree on the text.
 */
class TelegramHtmlPropertiesTest {
  @Provide
  Arbitrary<String> replies() {
    return MarkdownReplies.replies();
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
    while (from < text.length() && WhitespaceAtCuts.isBlank(text.codePointAt(from))) {
      from += Character.charCount(text.codePointAt(from));
    }
    int to = text.length();
    while (to > from && WhitespaceAtCuts.isBlank(text.codePointBefore(to))) {
      to -= Character.charCount(text.codePointBefore(to));
    }
    StringBuilder out = new StringBuilder();
    int run = 0;
    for (int i = from; i < to; i += Character.charCount(text.codePointAt(i))) {
      int cp = text.codePointAt(i);
      run = WhitespaceAtCuts.isBlank(cp) ? run + Character.charCount(cp) : 0;
      if (run <= max - 2) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** Independent of the renderer's own notion: something a reader would see. */
  private static boolean showsSomething(String text) {
    return text.codePoints()
        .anyMatch(cp -> !Character.isWhitespace(cp)
            && !Character.isSpaceChar(cp)
            && Character.getType(cp) != Character.CONTROL
            && Character.getType(cp) != Character.FORMAT);
  }

  @Property(tries = 1000)
  void everyChunkFitsTheLimit(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(htmlChunks(md, max))
        .allSatisfy(chunk -> assertThat(shown(chunk).length()).as(chunk).isLessThanOrEqualTo(max));
    assertThat(plainChunks(md, max))
        .allSatisfy(chunk -> assertThat(chunk.length()).as(chunk).isLessThanOrEqualTo(max));
  }

  @Property(tries = 1000)
  void chunksJoinToTheVisibleTextOfTheWholeReply(
      @ForAll("replies") String md, @ForAll("limits") int max) {
    String whole = shown(wholeHtml(md));

    assertThat(shown(htmlChunks(md, max))).isEqualTo(sendable(whole, max));
  }

  @Property(tries = 1000)
  void everyChunkIsWellFormedTelegramHtml(@ForAll("replies") String md, @ForAll("limits") int max) {
    for (String chunk : htmlChunks(md, max)) {
      HtmlCheck.parse(chunk);
      TelegramHtmlParser.parse(chunk);
    }
    HtmlCheck.parse(wholeHtml(md));
    TelegramHtmlParser.parse(wholeHtml(md));
  }

  @Property(tries = 1000)
  void noChunkIsBlank(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(htmlChunks(md, max))
        .allSatisfy(chunk -> assertThat(showsSomething(shown(chunk))).as(chunk).isTrue());
    assertThat(plainChunks(md, max))
        .allSatisfy(chunk -> assertThat(showsSomething(chunk)).as(chunk).isTrue());
  }

  @Property(tries = 1000)
  void noChunkSplitsASurrogatePair(@ForAll("replies") String md, @ForAll("limits") int max) {
    List<String> texts = new ArrayList<>(plainChunks(md, max));
    htmlChunks(md, max).forEach(chunk -> texts.add(shown(chunk)));

    assertThat(texts).allSatisfy(text -> {
      assertThat(Character.isLowSurrogate(text.charAt(0)))
          .as("starts with low: %s", text)
          .isFalse();
      assertThat(Character.isHighSurrogate(text.charAt(text.length() - 1)))
          .as("ends with high: %s", text)
          .isFalse();
    });
  }

  @Property(tries = 1000)
  void plainChunksJoinToTheInput(@ForAll("replies") String md, @ForAll("limits") int max) {
    assertThat(String.join("", plainChunks(md, max))).isEqualTo(sendable(md, max));
  }

  @Property(tries = 1000)
  void plainChunksJoinToExactlyTheInputWhenNothingNeedsDropping(
      @ForAll("replies") String body, @ForAll @IntRange(min = 16, max = 4096) int max) {
    String md = "[" + body + "]";
    Assume.that(sendable(md, max).equals(md));

    assertThat(String.join("", plainChunks(md, max))).isEqualTo(md);
  }

  @Property(tries = 500)
  void aReplyThatFitsIsOneChunk(@ForAll("replies") String md) {
    String whole = sendable(HtmlCheck.visible(wholeHtml(md)), 4096);
    Assume.that(!whole.isEmpty() && whole.length() <= 4096);

    assertThat(htmlChunks(md, 4096)).hasSize(1);
  }

  @Provide
  Arbitrary<String> literalText() {
    return Arbitraries.frequencyOf(
            Tuple.of(
                6, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)),
            Tuple.of(
                3,
                Arbitraries.of(
                    " ",
                    "\n",
                    "\n\n",
                    "<",
                    "1>0",
                    "&",
                    "\"",
                    "'",
                    "&amp;",
                    "<b>x</b>",
                    "&lt;",
                    "\uD83D\uDE00",
                    "\u4e2d",
                    "=",
                    "/",
                    ";",
                    "{",
                    "}")))
        .list()
        .ofMinSize(1)
        .ofMaxSize(100)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 1000)
  void textWithoutMarkdownIsShownExactlyAsWritten(
      @ForAll("literalText") String text, @ForAll("limits") int max) {
    assertThat(shown(htmlChunks(text, max))).isEqualTo(sendable(text, max));
    assertThat(htmlChunks(text, max))
        .allSatisfy(chunk -> assertThat(HtmlCheck.parse(chunk).entities()).isEmpty());
  }

  @Provide
  Arbitrary<String> codeReplies() {
    return MarkdownReplies.aroundALongCodeBlock();
  }

  @Property(tries = 300)
  void aCodeBlockIsClosedInEveryMessageAndReopenedWithItsLanguage(
      @ForAll("codeReplies") String md, @ForAll("limits") int max) {
    HtmlCheck.Result whole = HtmlCheck.parse(wholeHtml(md));
    StringBuilder shownCode = new StringBuilder();
    for (String chunk : htmlChunks(md, max)) {
      HtmlCheck.Result read = HtmlCheck.parse(chunk); // throws on a pre left open
      for (HtmlCheck.Entity pre : read.entities()) {
        if (pre.type().equals("pre")) {
          assertThat(read.entities())
              .as(chunk)
              .contains(new HtmlCheck.Entity("code", "js", pre.offset(), pre.length()));
          shownCode.append(read.text(), pre.offset(), pre.offset() + pre.length());
        }
      }
    }
    StringBuilder code = new StringBuilder();
    whole.entities().stream()
        .filter(e -> e.type().equals("pre"))
        .forEach(e -> code.append(whole.text(), e.offset(), e.offset() + e.length()));

    assertThat(shownCode.toString().replaceAll("\\s", ""))
        .isEqualTo(code.toString().replaceAll("\\s", ""));
  }
}
