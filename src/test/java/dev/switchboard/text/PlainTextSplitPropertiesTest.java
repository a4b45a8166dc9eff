package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the plain-text split over text built from words, spaces, line and paragraph
 * breaks, emoji (surrogate pairs), accented and CJK letters, with limits small enough to force
 * many cuts.
 */
class PlainTextSplitPropertiesTest {
  private static List<String> split(String text, int max) {
    return ReplyFormat.plainText(max).messages(StyledText.plain(text));
  }

  @Provide
  Arbitrary<String> replies() {
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)),
        Tuple.of(4, Arbitraries.just(" ")),
        Tuple.of(2, Arbitraries.just("\n")),
        Tuple.of(1, Arbitraries.just("\n\n")),
        Tuple.of(1, Arbitraries.just("   ")),
        Tuple.of(
            2,
            Arbitraries.of(
                "\uD83D\uDE00",
                "\uD83D\uDC4D\uD83C\uDFFD",
                "\uD83C\uDDE9\uD83C\uDDEA",
                "\uD834\uDD1E")),
        Tuple.of(1, Arbitraries.of("\u00e9", "\u4e2d\u6587", "\u00df")));
    return piece.list().ofMaxSize(120).map(parts -> String.join("", parts));
  }

  private static String nonWhitespace(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().filter(cp -> !Character.isWhitespace(cp)).forEach(sb::appendCodePoint);
    return sb.toString();
  }

  @Property(tries = 2000)
  void everyChunkFitsTheLimit(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    assertThat(split(text, max))
        .allSatisfy(chunk -> assertThat(chunk.length()).isLessThanOrEqualTo(max));
  }

  @Property(tries = 2000)
  void noChunkSplitsASurrogatePair(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    for (String chunk : split(text, max)) {
      if (!chunk.isEmpty()) {
        assertThat(Character.isLowSurrogate(chunk.charAt(0)))
            .as("starts with low: %s", chunk)
            .isFalse();
        assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1)))
            .as("ends with high: %s", chunk)
            .isFalse();
      }
    }
  }

  @Property(tries = 2000)
  void noNonWhitespaceCharacterIsLostOrReordered(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    List<String> chunks = split(text, max);

    assertThat(nonWhitespace(String.join("", chunks))).isEqualTo(nonWhitespace(text));
  }

  @Property
  void thereIsAlwaysAtLeastOneChunk(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    assertThat(split(text, max)).isNotEmpty();
  }

  @Property
  void textWithinTheLimitIsOneUnchangedChunk(@ForAll("replies") String text) {
    int max = Math.max(2, text.length());

    assertThat(split(text, max)).containsExactly(text);
  }

  @Property
  void everyCutChunkIsNonEmptyAndHasNoTrailingWhitespace(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    List<String> chunks = split(text, max);

    for (String chunk : chunks.subList(0, chunks.size() - 1)) {
      assertThat(chunk).isNotEmpty();
      assertThat(chunk).isEqualTo(chunk.stripTrailing());
    }
  }

  @Property
  void noChunkStartsWithANewlineAfterTheFirst(
      @ForAll("replies") String text, @ForAll @IntRange(min = 2, max = 60) int max) {
    List<String> chunks = split(text, max);

    assertThat(chunks.subList(1, chunks.size()))
        .allSatisfy(chunk -> assertThat(chunk).doesNotStartWith("\n"));
  }

  @Property
  void wordsShorterThanHalfTheLimitAreNeverCut(
      @ForAll("words") List<String> words, @ForAll @IntRange(min = 12, max = 60) int max) {
    String text = String.join(" ", words);

    List<String> chunks = split(text, max);

    List<String> rejoined = chunks.stream()
        .flatMap(c -> java.util.Arrays.stream(c.split(" ")))
        .filter(w -> !w.isEmpty())
        .toList();
    assertThat(rejoined).isEqualTo(words);
  }

  @Provide
  Arbitrary<List<String>> words() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(6)
        .list()
        .ofMaxSize(80);
  }
}
