package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's own split, for platforms that render nothing (the web chat, the API): text as
 * written, no Markdown read into it, cut at a limit in UTF-16 code units.
 */
class PlainTextSplitTest {
  private static final String GRIN = "\uD83D\uDE00"; // one emoji, two UTF-16 code units

  private static List<String> split(String text, int max) {
    return ReplyFormat.plainText(max).messages(StyledText.plain(text));
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1})
  void maxBelowTwoIsRejected(int max) {
    assertThatThrownBy(() -> split("text", max))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 2: " + max);
  }

  @Test
  void emptyTextIsOneEmptyChunk() {
    assertThat(split("", 10)).containsExactly("");
  }

  @Test
  void textWithinTheLimitIsReturnedUntouched() {
    assertThat(split("  hello\n\nworld  ", 20)).containsExactly("  hello\n\nworld  ");
  }

  @Test
  void textOfExactlyTheLimitIsOneChunk() {
    assertThat(split("a".repeat(10), 10)).containsExactly("a".repeat(10));
  }

  @Test
  void oneOverTheLimitIsTwoChunks() {
    assertThat(split("a".repeat(11), 10)).containsExactly("a".repeat(10), "a");
  }

  @Test
  void textWithoutWhitespaceIsCutHard() {
    assertThat(split("a".repeat(25), 10))
        .containsExactly("a".repeat(10), "a".repeat(10), "a".repeat(5));
  }

  @Test
  void prefersAParagraphBreakOverLaterLineBreaksAndSpaces() {
    String text = "aaaa aaaa\naaaa aaaa aaaa\n\nbbbb bbbb\nbbbb bbbb bbbb";

    assertThat(split(text, 40))
        .containsExactly("aaaa aaaa\naaaa aaaa aaaa", "bbbb bbbb\nbbbb bbbb bbbb");
  }

  @Test
  void prefersALineBreakOverLaterSpaces() {
    String text = "first line\nsecond line here and more";

    assertThat(split(text, 20)).containsExactly("first line", "second line here", "and more");
  }

  @Test
  void fallsBackToTheLastSpace() {
    assertThat(split("one two three four five six seven", 10))
        .containsExactly("one two", "three", "four five", "six seven");
  }

  @Test
  void cutsAtTheLastParagraphBreakInTheWindowNotTheFirst() {
    String text = "p1 text here\n\np2 more text\n\np3 is past the window";

    assertThat(split(text, 30).getFirst()).isEqualTo("p1 text here\n\np2 more text");
  }

  @Test
  void paragraphBreakInTheFirstHalfIsIgnoredForALaterSpace() {
    // the blank line at 2 would leave a two-character sliver; the space at 12 is used
    assertThat(split("ab\n\ncdefghij klmnopqrstuvwxyz", 20))
        .containsExactly("ab\n\ncdefghij", "klmnopqrstuvwxyz");
  }

  @Test
  void spaceInTheFirstHalfIsIgnoredForAHardCut() {
    assertThat(split("ab cdefghijklmnopqrstuvwxyz", 10))
        .containsExactly("ab cdefghi", "jklmnopqrs", "tuvwxyz");
  }

  @Test
  void separatorEndingExactlyAtTheLimitIsUsed() {
    // "\n\n" occupies positions 8 and 9 of a 10-wide window
    assertThat(split("aaaaaaaa\n\nbbbbbbbb", 10)).containsExactly("aaaaaaaa", "bbbbbbbb");
  }

  @Test
  void leadingNewlinesOfTheNextChunkAreDropped() {
    assertThat(split("aaaaaaaaaa\n\n\n\nbbbb", 10)).containsExactly("aaaaaaaaaa", "bbbb");
  }

  @Test
  void indentationAfterAParagraphBreakIsKept() {
    assertThat(split("para one is here\n\n  indented code line", 20))
        .containsExactly("para one is here", "  indented code line");
  }

  @Test
  void trailingWhitespaceOfACutChunkIsDropped() {
    assertThat(split("aaaa   \n\nbbbbbbb", 12)).containsExactly("aaaa", "bbbbbbb");
  }

  @Test
  void emojiStraddlingTheHardCutMovesWholeToTheNextChunk() {
    String text = "a".repeat(9) + GRIN + "bbbbb";

    List<String> chunks = split(text, 10);

    assertThat(chunks).containsExactly("a".repeat(9), GRIN + "bbbbb");
  }

  @Test
  void emojiEndingExactlyAtTheLimitStaysInTheChunk() {
    String text = "a".repeat(8) + GRIN + "bbbbb";

    assertThat(split(text, 10)).containsExactly("a".repeat(8) + GRIN, "bbbbb");
  }

  @Test
  void runOfEmojiIsCutBetweenPairs() {
    String text = GRIN.repeat(7); // 14 code units

    List<String> chunks = split(text, 5);

    assertThat(chunks).containsExactly(GRIN.repeat(2), GRIN.repeat(2), GRIN.repeat(2), GRIN);
  }

  @Test
  void oddRunOfEmojiAfterOneLetterNeverSplitsAPair() {
    String text = "x" + GRIN.repeat(5);

    List<String> chunks = split(text, 4);

    assertThat(chunks).containsExactly("x" + GRIN, GRIN.repeat(2), GRIN.repeat(2));
  }

  @Test
  void emojiNextToASpaceBoundary() {
    String text = "hello " + GRIN + " world " + GRIN + GRIN;

    List<String> chunks = split(text, 12);

    assertThat(chunks).containsExactly("hello " + GRIN, "world " + GRIN + GRIN);
  }

  @Test
  void textMadeOnlyOfWhitespaceWithinTheLimitIsKept() {
    assertThat(split("   ", 10)).containsExactly("   ");
  }

  @Test
  void trailingNewlinesBeyondTheLimitProduceNoExtraChunk() {
    assertThat(split("a".repeat(10) + "\n\n\n", 10)).containsExactly("a".repeat(10));
  }

  @Test
  void trailingSpacesBeyondTheLimitProduceNoBlankChunk() {
    assertThat(split("a".repeat(10) + "   ", 10)).containsExactly("a".repeat(10));
  }
}
