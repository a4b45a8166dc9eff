package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkerTest {
  private static final String GRIN = "\uD83D\uDE00"; // one emoji, two UTF-16 code units

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1})
  void maxBelowTwoIsRejected(int max) {
    assertThatThrownBy(() -> Chunker.split("text", max))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be at least 2: " + max);
  }

  @Test
  void emptyTextIsOneEmptyChunk() {
    assertThat(Chunker.split("", 10)).containsExactly("");
  }

  @Test
  void textWithinTheLimitIsReturnedUntouched() {
    assertThat(Chunker.split("  hello\n\nworld  ", 20)).containsExactly("  hello\n\nworld  ");
  }

  @Test
  void textOfExactlyTheLimitIsOneChunk() {
    assertThat(Chunker.split("a".repeat(10), 10)).containsExactly("a".repeat(10));
  }

  @Test
  void oneOverTheLimitIsTwoChunks() {
    assertThat(Chunker.split("a".repeat(11), 10)).containsExactly("a".repeat(10), "a");
  }

  @Test
  void textWithoutWhitespaceIsCutHard() {
    assertThat(Chunker.split("a".repeat(25), 10))
        .containsExactly("a".repeat(10), "a".repeat(10), "a".repeat(5));
  }

  @Test
  void prefersAParagraphBreakOverLaterLineBreaksAndSpaces() {
    String text = "aaaa aaaa\naaaa aaaa aaaa\n\nbbbb bbbb\nbbbb bbbb bbbb";

    assertThat(Chunker.split(text, 40))
        .containsExactly("aaaa aaaa\naaaa aaaa aaaa", "bbbb bbbb\nbbbb bbbb bbbb");
  }

  @Test
  void prefersALineBreakOverLaterSpaces() {
    String text = "first line\nsecond line here and more";

    assertThat(Chunker.split(text, 20))
        .containsExactly("first line", "second line here", "and more");
  }

  @Test
  void fallsBackToTheLastSpace() {
    assertThat(Chunker.split("one two three four five six seven", 10))
        .containsExactly("one two", "three", "four five", "six seven");
  }

  @Test
  void cutsAtTheLastParagraphBreakInTheWindowNotTheFirst() {
    String text = "p1 text here\n\np2 more text\n\np3 is past the window";

    assertThat(Chunker.split(text, 30).getFirst()).isEqualTo("p1 text here\n\np2 more text");
  }

  @Test
  void paragraphBreakInTheFirstHalfIsIgnoredForALaterSpace() {
    // the blank line at 2 would leave a two-character sliver; the space at 12 is used
    assertThat(Chunker.split("ab\n\ncdefghij klmnopqrstuvwxyz", 20))
        .containsExactly("ab\n\ncdefghij", "klmnopqrstuvwxyz");
  }

  @Test
  void spaceInTheFirstHalfIsIgnoredForAHardCut() {
    assertThat(Chunker.split("ab cdefghijklmnopqrstuvwxyz", 10))
        .containsExactly("ab cdefghi", "jklmnopqrs", "tuvwxyz");
  }

  @Test
  void separatorEndingExactlyAtTheLimitIsUsed() {
    // "\n\n" occupies positions 8 and 9 of a 10-wide window
    assertThat(Chunker.split("aaaaaaaa\n\nbbbbbbbb", 10)).containsExactly("aaaaaaaa", "bbbbbbbb");
  }

  @Test
  void leadingNewlinesOfTheNextChunkAreDropped() {
    assertThat(Chunker.split("aaaaaaaaaa\n\n\n\nbbbb", 10)).containsExactly("aaaaaaaaaa", "bbbb");
  }

  @Test
  void indentationAfterAParagraphBreakIsKept() {
    assertThat(Chunker.split("para one is here\n\n  indented code line", 20))
        .containsExactly("para one is here", "  indented code line");
  }

  @Test
  void trailingWhitespaceOfACutChunkIsDropped() {
    assertThat(Chunker.split("aaaa   \n\nbbbbbbb", 12)).containsExactly("aaaa", "bbbbbbb");
  }

  @Test
  void emojiStraddlingTheHardCutMovesWholeToTheNextChunk() {
    String text = "a".repeat(9) + GRIN + "bbbbb";

    List<String> chunks = Chunker.split(text, 10);

    assertThat(chunks).containsExactly("a".repeat(9), GRIN + "bbbbb");
  }

  @Test
  void emojiEndingExactlyAtTheLimitStaysInTheChunk() {
    String text = "a".repeat(8) + GRIN + "bbbbb";

    assertThat(Chunker.split(text, 10)).containsExactly("a".repeat(8) + GRIN, "bbbbb");
  }

  @Test
  void runOfEmojiIsCutBetweenPairs() {
    String text = GRIN.repeat(7); // 14 code units

    List<String> chunks = Chunker.split(text, 5);

    assertThat(chunks).containsExactly(GRIN.repeat(2), GRIN.repeat(2), GRIN.repeat(2), GRIN);
  }

  @Test
  void oddRunOfEmojiAfterOneLetterNeverSplitsAPair() {
    String text = "x" + GRIN.repeat(5);

    List<String> chunks = Chunker.split(text, 4);

    assertThat(chunks).containsExactly("x" + GRIN, GRIN.repeat(2), GRIN.repeat(2));
  }

  @Test
  void emojiNextToASpaceBoundary() {
    String text = "hello " + GRIN + " world " + GRIN + GRIN;

    List<String> chunks = Chunker.split(text, 12);

    assertThat(chunks).containsExactly("hello " + GRIN, "world " + GRIN + GRIN);
  }

  @Test
  void textMadeOnlyOfWhitespaceWithinTheLimitIsKept() {
    assertThat(Chunker.split("   ", 10)).containsExactly("   ");
  }

  @Test
  void trailingNewlinesBeyondTheLimitProduceNoExtraChunk() {
    assertThat(Chunker.split("a".repeat(10) + "\n\n\n", 10)).containsExactly("a".repeat(10));
  }

  @Test
  void trailingSpacesBeyondTheLimitProduceNoBlankChunk() {
    assertThat(Chunker.split("a".repeat(10) + "   ", 10)).containsExactly("a".repeat(10));
  }
}
