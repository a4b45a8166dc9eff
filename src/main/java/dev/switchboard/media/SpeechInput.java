package dev.switchboard.media;

import java.text.BreakIterator;
import java.util.Locale;

/** Cutting a reply to what a speech server takes in one request. */
final class SpeechInput {
  private SpeechInput() {}

  /**
   * The text if it fits in {@code max} chars; else its longest start that ends a sentence, or
   * if the sentences are so long that this would drop more than half, its longest start that
   * ends at a space, or failing that the first {@code max} chars (never half of a surrogate
   * pair). Counted in UTF-16 chars, which are never fewer than the code points a server counts.
   */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isLowSurrogate(text.charAt(max)) ? max - 1 : max;
    BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
    sentences.setText(text);
    int sentence = sentences.preceding(end + 1);
    if (sentence != BreakIterator.DONE && sentence >= max / 2) {
      return text.substring(0, sentence).strip();
    }
    for (int i = end; i >= max / 2; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return text.substring(0, i).strip();
      }
    }
    return text.substring(0, end);
  }
}
