package dev.switchboard.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply into pieces no longer than a platform's limit, in UTF-16 code units (what
 * Telegram and Discord count). It cuts at the last paragraph break in the window, else the last
 * line break, else the last space, else anywhere, but never between the two halves of a
 * surrogate pair. A boundary is only used if it keeps at least half the window, so a reply
 * with one early blank line is not cut into a sliver and a remainder.
 */
public final class Chunker {
  private Chunker() {}

  public static List<String> split(String text, int max) {
    if (max < 2) {
      throw new IllegalArgumentException("max must be at least 2: " + max);
    }
    List<String> out = new ArrayList<>();
    String rest = text;
    while (rest.length() > max) {
      int cut = cutPoint(rest, max);
      String head = rest.substring(0, cut).stripTrailing();
      if (!head.isEmpty()) {
        out.add(head);
      }
      rest = stripLeadingBreaks(rest.substring(cut));
    }
    // Platforms refuse blank messages: trailing whitespace past the limit is not a chunk.
    if (!rest.isBlank() || out.isEmpty()) {
      out.add(rest);
    }
    return out;
  }

  private static int cutPoint(String s, int max) {
    int floor = max / 2;
    for (String sep : new String[] {"\n\n", "\n", " "}) {
      int at = s.lastIndexOf(sep, max - sep.length());
      if (at >= floor) {
        return at + sep.length();
      }
    }
    int cut = max;
    if (Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
      cut--;
    }
    return cut;
  }

  // Leading spaces are kept: after a paragraph break they may be indentation that matters.
  private static String stripLeadingBreaks(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '\n') {
      i++;
    }
    return s.substring(i);
  }
}
