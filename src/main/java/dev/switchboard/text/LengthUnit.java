package dev.switchboard.text;

/** What a platform counts when it limits the length of a message. */
public enum LengthUnit {
  /** UTF-16 code units, as Telegram counts (an emoji is often two). */
  UTF16 {
    @Override
    public int length(String s) {
      return s.length();
    }

    @Override
    int advance(String s, int from, int units) {
      int end = (int) Math.min(s.length(), (long) from + units);
      boolean insidePair = end > from
          && end < s.length()
          && Character.isHighSurrogate(s.charAt(end - 1))
          && Character.isLowSurrogate(s.charAt(end));
      return insidePair ? end - 1 : end;
    }
  },
  /** Unicode code points: characters, as Discord and Slack count them. */
  CODE_POINTS {
    @Override
    public int length(String s) {
      return s.codePointCount(0, s.length());
    }

    @Override
    int advance(String s, int from, int units) {
      int end = from;
      for (int n = 0; n < units && end < s.length(); n++) {
        end += Character.charCount(s.codePointAt(end));
      }
      return end;
    }
  };

  public abstract int length(String s);

  /**
   * The offset {@code units} of this unit after {@code from} in {@code s}, or its end if that
   * comes first; never between the two halves of a surrogate pair.
   */
  abstract int advance(String s, int from, int units);
}
