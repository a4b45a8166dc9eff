package dev.switchboard.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a reply into the messages of one platform. Cuts are made in the visible text, never in
 * markup, and each piece is rendered on its own, so a style, link or code block that a cut
 * goes through is closed in one message and opened again in the next. A piece is as long as
 * its rendering allows: renderings are measured as the platform counts them, which markup and
 * escapes make longer than the text.
 *
 * <p>Within the longest piece that fits, the cut goes after the last paragraph break, else the
 * last line break, else the last space, else at the last grapheme boundary, else between code
 * points, never inside a surrogate pair. A boundary that would leave less than half of that
 * piece is passed over, so that one early blank line does not make a sliver and a remainder.
 */
final class Splitter {
  private static final String[] BREAKS = {"\n\n", "\n", " "};

  private final ReplyFormat format;
  private final boolean keep;
  private final List<String> out = new ArrayList<>();
  private StyledText doc;
  private final String text;
  /** Where a cut may fall when no space or line break is near: between grapheme clusters. */
  private final BreakIterator graphemes = BreakIterator.getCharacterInstance(Locale.ROOT);

  Splitter(StyledText reply, ReplyFormat format) {
    this.format = format;
    this.keep = format.whitespace() == WhitespaceAtCuts.KEEP;
    this.doc = keep ? withoutBlankExcess(reply, format.limit()) : reply;
    this.text = doc.text();
    graphemes.setText(text);
    unformatWhatNoMessageCanHold();
  }

  List<String> split() {
    if (keep && text.isEmpty()) {
      return out;
    }
    int start = 0;
    while (true) {
      // Markup only adds to the text, so text longer than the limit cannot fit rendered.
      if (format.unit().advance(text, start, format.limit()) == text.length()) {
        String rest = render(start, text.length());
        if (format.fits(rest)) {
          // Trailing whitespace past the limit is not a message of its own.
          if (keep || !text.substring(start).isBlank() || out.isEmpty()) {
            out.add(rest);
          }
          return out;
        }
      }
      int fit = longestFit(start);
      if (fit == start) {
        unformatOrFail(start);
        continue;
      }
      start = keep ? addKept(start, fit) : addTrimmed(start, fit);
    }
  }

  private int addKept(int start, int fit) {
    int cut = cut(start, fit);
    String piece = render(start, cut);
    if (!format.fits(piece)) { // a rendering that a shorter piece makes longer
      cut = fit;
      piece = render(start, fit);
    }
    out.add(piece);
    return cut;
  }

  private int addTrimmed(int start, int fit) {
    int cut = cut(start, fit);
    int end = cut;
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (end > start) {
      String piece = render(start, end);
      if (!format.fits(piece)) { // a rendering that a shorter piece makes longer
        cut = fit;
        piece = render(start, fit);
      }
      out.add(piece);
    }
    while (cut < text.length() && text.charAt(cut) == '\n') {
      cut++;
    }
    return cut;
  }

  private String render(int from, int to) {
    return format.renderer().render(doc.slice(from, to));
  }

  /**
   * The end of the longest piece from {@code start} that fits rendered, or {@code start} when
   * not even one character does. Found by halving: a longer piece renders no shorter.
   */
  private int longestFit(int start) {
    int lo = start;
    int hi = format.unit().advance(text, start, format.limit());
    if (format.fits(render(start, hi))) {
      return hi;
    }
    while (true) {
      int mid = codePointBoundaryBetween(lo, hi);
      if (mid < 0) {
        return lo;
      }
      if (format.fits(render(start, mid))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }

  private int codePointBoundaryBetween(int lo, int hi) {
    int mid = Math.max((lo + hi) >>> 1, lo + 1);
    if (mid < text.length()
        && Character.isLowSurrogate(text.charAt(mid))
        && Character.isHighSurrogate(text.charAt(mid - 1))) {
      mid = mid - 1 > lo ? mid - 1 : mid + 1;
    }
    return mid < hi ? mid : -1;
  }

  /**
   * Where the piece from {@code start} ends, given that it may reach {@code fit}. With KEEP,
   * the piece must hold a non-blank character; the remainder already does, because the text
   * ends with one.
   */
  private int cut(int start, int fit) {
    int floor = start + (fit - start) / 2;
    if (keep) {
      int solid = start;
      while (solid < fit && WhitespaceAtCuts.isBlank(text.codePointAt(solid))) {
        solid += Character.charCount(text.codePointAt(solid));
      }
      floor = Math.max(floor, Math.min(solid + 1, fit));
    }
    for (String brk : BREAKS) {
      int lowest = Math.max(start, floor - brk.length());
      for (int at = fit - brk.length(); at >= lowest; at--) {
        if (text.startsWith(brk, at) && at + brk.length() > start) {
          return at + brk.length();
        }
      }
    }
    int boundary = graphemes.isBoundary(fit) ? fit : graphemes.preceding(fit);
    return boundary >= floor && boundary > start ? boundary : fit;
  }

  /**
   * A stretch of which not even one character fits in a message with its formatting (a link
   * whose address is longer than the limit, say) is sent as plain text instead.
   */
  private void unformatWhatNoMessageCanHold() {
    for (StyledText.Span span : doc.spans()) {
      int oneCharacter = span.start() + Character.charCount(text.codePointAt(span.start()));
      if (!span.format().equals(Format.PLAIN) && !format.fits(render(span.start(), oneCharacter))) {
        doc = doc.unformatAt(span.start());
      }
    }
  }

  /** The same, for a piece that starts within a stretch; plain text that cannot fit fails. */
  private void unformatOrFail(int start) {
    StyledText plainer = doc.unformatAt(start);
    if (plainer.equals(doc)) {
      throw new IllegalArgumentException("a limit of " + format.limit() + " " + format.unit()
          + " cannot hold a single character in this markup");
    }
    doc = plainer;
  }

  /**
   * The reply without blanks at either end and with every run of blanks cut to {@code
   * limit - 2} code units: with that, every piece can hold a non-blank character, and nothing
   * else is ever dropped.
   */
  private static StyledText withoutBlankExcess(StyledText doc, int limit) {
    String s = doc.text();
    boolean[] keep = new boolean[s.length()];
    int from = 0;
    while (from < s.length() && WhitespaceAtCuts.isBlank(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    int to = s.length();
    while (to > from && WhitespaceAtCuts.isBlank(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    int runLength = 0;
    for (int i = from; i < to; ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      runLength = WhitespaceAtCuts.isBlank(cp) ? runLength + n : 0;
      boolean kept = runLength <= limit - 2;
      for (int k = i; k < i + n; k++) {
        keep[k] = kept;
      }
      i += n;
    }
    return doc.retain(keep);
  }
}
