package dev.switchboard.media;

/**
 * Where to cut a text that is longer than its budget: at the last line break near the budget,
 * else at the last space near it, else at the budget itself, but never between the two halves
 * of a surrogate pair (an emoji cut in half is not text). "Near" is the last tenth of the
 * budget: cutting further back would waste room the reader was promised.
 */
final class TextCut {
  private TextCut() {}

  /**
   * The length of the prefix of {@code text} to keep: {@code text.length()} when it fits, else
   * at most {@code budget}.
   */
  static int end(CharSequence text, int budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget " + budget);
    }
    if (text.length() <= budget) {
      return text.length();
    }
    int floor = budget - budget / 10;
    for (int i = budget; i > floor; i--) {
      if (text.charAt(i - 1) == '\n') {
        return i;
      }
    }
    for (int i = budget; i > floor; i--) {
      if (Character.isWhitespace(text.charAt(i - 1))) {
        return i;
      }
    }
    return budget > 0 && Character.isHighSurrogate(text.charAt(budget - 1)) ? budget - 1 : budget;
  }
}
