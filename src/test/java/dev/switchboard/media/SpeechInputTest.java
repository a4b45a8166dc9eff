package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpeechInputTest {
  @Test
  void textWithinTheLimitIsLeftAlone() {
    assertThat(SpeechInput.cut("Short. Text!", 100)).isEqualTo("Short. Text!");
    assertThat(SpeechInput.cut("x".repeat(100), 100)).hasSize(100);
  }

  @Test
  void aLongTextEndsAfterTheLastSentenceThatFits() {
    String text = "First one here. Second one there! Third is a question? Fourth never fits.";
    assertThat(SpeechInput.cut(text, 60))
        .isEqualTo("First one here. Second one there! Third is a question?");
  }

  @Test
  void sentencesTooLongForTheLimitAreCutAtASpace() {
    String text = "One. " + "word ".repeat(40);
    String cut = SpeechInput.cut(text, 50);
    assertThat(cut).hasSizeLessThanOrEqualTo(50).endsWith("word").startsWith("One. word");
  }

  @Test
  void textWithoutSpacesIsCutHardButNeverInsideASurrogatePair() {
    String emoji = "\uD83C\uDFA4"; // 🎤, two UTF-16 chars
    String text = "a" + emoji.repeat(60);
    String cut = SpeechInput.cut(text, 50); // char 50 is the second half of a pair
    assertThat(cut).hasSize(49);
    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
    assertThat(SpeechInput.cut("b".repeat(80), 50)).hasSize(50);
  }
}
