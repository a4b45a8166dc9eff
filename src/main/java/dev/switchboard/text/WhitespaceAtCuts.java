package dev.switchboard.text;

/** What becomes of whitespace where a reply is cut into messages. */
public enum WhitespaceAtCuts {
  /**
   * A piece loses its trailing whitespace and the next one the line breaks it starts with;
   * leading spaces stay, as they may be indentation. A reply that fits is sent as written,
   * whitespace and all.
   */
  TRIM(2),
  /**
   * Whitespace stays, at the end of the earlier piece, so that the pieces joined are the whole
   * reply. For platforms that refuse blank messages and strip a message's edges (Telegram):
   * blanks at either end of the reply are dropped, a blank reply is no message at all, and a
   * run of blanks longer than {@code limit - 2} is shortened to that, so that every piece can
   * hold something visible.
   */
  KEEP(3);

  private final int minimumLimit;

  WhitespaceAtCuts(int minimumLimit) {
    this.minimumLimit = minimumLimit;
  }

  int minimumLimit() {
    return minimumLimit;
  }

  /** Characters that show as nothing: a message made only of these is empty to Telegram. */
  public static boolean isBlank(int cp) {
    int type = Character.getType(cp);
    return Character.isWhitespace(cp)
        || Character.isSpaceChar(cp)
        || type == Character.CONTROL
        || type == Character.FORMAT
        || cp == 0x2800
        || cp == 0x3164
        || cp == 0x115F
        || cp == 0x1160
        || cp == 0xFFA0;
  }
}
