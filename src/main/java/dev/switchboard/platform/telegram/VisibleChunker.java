package dev.switchboard.platform.telegram;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts styled text into pieces whose visible length fits a message. Cutting the visible text,
 * not the HTML, is what keeps every cut out of tags and entities; the renderer then closes and
 * reopens whatever formatting a cut goes through.
 *
 * <p>A cut goes after the last paragraph break in the window, else the last line break, else
 * the last space, else at the last grapheme boundary, else between code points. A break in the
 * first half of the window is passed over, as {@code delivery.Chunker} does, so one early blank
 * line does not produce a sliver. Whitespace at a cut stays at the end of the earlier piece.
 *
 * <p>Telegram refuses blank messages, so before cutting the text loses its leading and
 * trailing blanks (Telegram strips them anyway) and any run of blanks longer than
 * {@code max - 2} code units is shortened to that; with that, every piece can hold a
 * non-blank character, and nothing else is ever dropped.
 */
final class VisibleChunker {
  private static final String[] BREAKS = {"\n\n", "\n", " "};

  private VisibleChunker() {}

  /** Characters that show as nothing: a message made only of these is empty to Telegram. */
  static boolean isBlank(int cp) {
    int type = Character.getType(cp);
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp)
        || type == Character.CONTROL || type == Character.FORMAT
        || cp == 0x2800 || cp == 0x3164 || cp == 0x115F || cp == 0x1160 || cp == 0xFFA0;
  }

  static List<StyledText> split(StyledText doc, int max) {
    StyledText text = normalize(doc, max);
    String s = text.text();
    List<StyledText> pieces = new ArrayList<>();
    if (s.isEmpty()) {
      return pieces;
    }
    BreakIterator graphemes = BreakIterator.getCharacterInstance(Locale.ROOT);
    graphemes.setText(s);
    int start = 0;
    while (s.length() - start > max) {
      int cut = cut(s, start, max, graphemes);
      pieces.add(text.slice(start, cut));
      start = cut;
    }
    pieces.add(text.slice(start, s.length()));
    return pieces;
  }

  static StyledText normalize(StyledText doc, int max) {
    String s = doc.text();
    boolean[] keep = new boolean[s.length()];
    int from = 0;
    while (from < s.length() && isBlank(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    int to = s.length();
    while (to > from && isBlank(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    int runLength = 0;
    for (int i = from; i < to; ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      runLength = isBlank(cp) ? runLength + n : 0;
      boolean kept = runLength <= max - 2;
      for (int k = i; k < i + n; k++) {
        keep[k] = kept;
      }
      i += n;
    }
    return doc.retain(keep);
  }

  /**
   * Where the piece starting at {@code start} ends. The piece must hold a non-blank character;
   * the remainder already does, because the text ends with one.
   */
  private static int cut(String s, int start, int max, BreakIterator graphemes) {
    int limit = start + max;
    int solid = start;
    while (isBlank(s.codePointAt(solid))) {
      solid += Character.charCount(s.codePointAt(solid));
    }
    int floor = Math.max(start + max / 2, solid + 1);
    for (String brk : BREAKS) {
      int at = s.lastIndexOf(brk, limit - brk.length());
      if (at >= start && at + brk.length() >= floor) {
        return at + brk.length();
      }
    }
    int boundary = graphemes.isBoundary(limit) ? limit : graphemes.preceding(limit);
    if (boundary >= floor) {
      return boundary;
    }
    boolean insidePair = Character.isHighSurrogate(s.charAt(limit - 1))
        && Character.isLowSurrogate(s.charAt(limit));
    return insidePair ? limit - 1 : limit;
  }
}
