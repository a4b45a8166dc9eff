package dev.switchboard.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Emphasis, strike, inline code and links within one line. It follows CommonMark where that is
 * cheap (flanking rules, so snake_case_names and 2 * 3 stay literal; code spans bind tighter
 * than anything else) and stays literal where CommonMark would need its full delimiter
 * algorithm: a marker without a partner of the same length shows as typed.
 */
final class InlineParser {
  private static final String ESCAPABLE = "\\`*_~[]()#>";
  /** Characters that end a bare URL in prose rather than belong to it. */
  private static final String URL_TRAILERS = "*_~.,;:!?'\")";

  private static final int MAX_URL = 2048;

  private InlineParser() {}

  private sealed interface Token {}

  private record Text(String text) implements Token {}

  private record Delim(char marker, int length, boolean canOpen, boolean canClose)
      implements Token {}

  private record Code(String content) implements Token {}

  private record Link(List<Token> label, String url) implements Token {}

  /**
   * Text that {@link #parse} reads back as itself: every character it could take for markup
   * behind a backslash, except, with {@code urlsAsTyped}, in bare URLs, which it reads as typed.
   */
  static String escape(String text, boolean urlsAsTyped) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int url = urlsAsTyped && (c == 'h' || c == 'H') ? bareUrlEnd(text, i, text.length()) : -1;
      if (url > i) {
        out.append(text, i, url);
        i = url;
      } else {
        if (ESCAPABLE.indexOf(c) >= 0) {
          out.append('\\');
        }
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  static void parse(String line, Format base, StyledText.Builder out) {
    emit(tokenize(line, 0, line.length(), true), base, out);
  }

  private static List<Token> tokenize(String line, int from, int to, boolean links) {
    List<Token> tokens = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = from;
    while (i < to) {
      char c = line.charAt(i);
      int link = c == '[' && links ? linkEnd(line, i, to) : -1;
      int url = c == 'h' || c == 'H' ? bareUrlEnd(line, i, to) : -1;
      if (c == '\\' && i + 1 < to && ESCAPABLE.indexOf(line.charAt(i + 1)) >= 0) {
        text.append(line.charAt(i + 1));
        i += 2;
      } else if (c == '`') {
        int run = runLength(line, i, to, '`');
        int close = findBackticks(line, i + run, to, run);
        if (close < 0) {
          text.append(line, i, i + run);
          i += run;
        } else {
          flush(text, tokens);
          tokens.add(new Code(codeContent(line.substring(i + run, close))));
          i = close + run;
        }
      } else if (link > 0) {
        int labelEnd = line.indexOf(']', i);
        flush(text, tokens);
        tokens.add(new Link(
            tokenize(line, i + 1, labelEnd, false), line.substring(labelEnd + 2, link - 1)));
        i = link;
      } else if (url > i) {
        // A URL is not prose: its underscores and asterisks are not emphasis.
        text.append(line, i, url);
        i = url;
      } else if (c == '*' || c == '_' || c == '~') {
        int run = runLength(line, i, to, c);
        flush(text, tokens);
        tokens.add(delimiter(line, i, i + run, c));
        i += run;
      } else {
        text.append(c);
        i++;
      }
    }
    flush(text, tokens);
    return tokens;
  }

  private static void flush(StringBuilder text, List<Token> tokens) {
    if (!text.isEmpty()) {
      tokens.add(new Text(text.toString()));
      text.setLength(0);
    }
  }

  private static int runLength(String line, int at, int to, char c) {
    int end = at;
    while (end < to && line.charAt(end) == c) {
      end++;
    }
    return end - at;
  }

  private static int findBackticks(String line, int from, int to, int length) {
    int j = from;
    while (j < to) {
      if (line.charAt(j) == '`') {
        int run = runLength(line, j, to, '`');
        if (run == length) {
          return j;
        }
        j += run;
      } else {
        j++;
      }
    }
    return -1;
  }

  // CommonMark: one space on each side is padding so that `` `x` `` can show a backtick.
  private static String codeContent(String s) {
    if (s.length() >= 2 && s.startsWith(" ") && s.endsWith(" ") && !s.isBlank()) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /**
   * End (exclusive) of {@code [label](http(s)://...)} starting at {@code at}, else -1. Both
   * scans stop early (at the next bracket, at a URL's length cap) so that a line full of
   * brackets costs linear time.
   */
  private static int linkEnd(String line, int at, int to) {
    int labelEnd = at + 1;
    while (labelEnd < to && line.charAt(labelEnd) != ']' && line.charAt(labelEnd) != '[') {
      labelEnd++;
    }
    if (labelEnd + 1 >= to
        || line.charAt(labelEnd) != ']'
        || line.charAt(labelEnd + 1) != '('
        || line.substring(at + 1, labelEnd).isBlank()) {
      return -1;
    }
    int depth = 1;
    for (int k = labelEnd + 2; k < Math.min(to, labelEnd + 2 + MAX_URL); k++) {
      char c = line.charAt(k);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return -1;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return isWebUrl(line.substring(labelEnd + 2, k)) ? k + 1 : -1;
      }
    }
    return -1;
  }

  // Telegram refuses or silently drops links it cannot open; only plain web links are sent.
  private static boolean isWebUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    int rest = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
    return rest > 0 && url.length() > rest && url.charAt(rest) != '/';
  }

  private static int bareUrlEnd(String line, int at, int to) {
    boolean startsUrl = line.regionMatches(true, at, "https://", 0, 8)
        || line.regionMatches(true, at, "http://", 0, 7);
    if (!startsUrl || (at > 0 && Character.isLetterOrDigit(line.charAt(at - 1)))) {
      return -1;
    }
    int end = at;
    // A backslash is no part of a URL; ending one there lets escaped text follow it.
    while (end < to
        && !Character.isWhitespace(line.charAt(end))
        && line.charAt(end) != '`'
        && line.charAt(end) != '\\') {
      end++;
    }
    while (end > at
        && URL_TRAILERS.indexOf(line.charAt(end - 1)) >= 0
        && !(line.charAt(end - 1) == ')' && parenthesesBalance(line, at, end))) {
      end--;
    }
    return end;
  }

  private static boolean parenthesesBalance(String line, int from, int to) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      depth += line.charAt(i) == '(' ? 1 : line.charAt(i) == ')' ? -1 : 0;
    }
    return depth == 0;
  }

  private static Delim delimiter(String line, int from, int to, char marker) {
    int before = from > 0 ? line.codePointBefore(from) : ' ';
    int after = to < line.length() ? line.codePointAt(to) : ' ';
    boolean left =
        !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
    boolean right =
        !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
    if (marker == '_') {
      // Underscores inside words are part of the word: snake_case_names, __init__ files.
      return new Delim(
          marker,
          to - from,
          left && (!right || isPunctuation(before)),
          right && (!left || isPunctuation(after)));
    }
    return new Delim(marker, to - from, left, right);
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  private static boolean isPunctuation(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  private static boolean styles(Delim d) {
    return d.marker() == '~' ? d.length() == 2 : d.length() <= 3;
  }

  private record Open(int close, Format format) {}

  /**
   * Appends the tokens, styling what lies between partners. A pair is used only if it nests
   * inside the pairs already open; a pair that crosses one (**a _b** c_) shows as typed. A loop
   * with a stack, not recursion, so a reply cannot nest deep enough to overflow the stack.
   */
  private static void emit(List<Token> tokens, Format base, StyledText.Builder out) {
    int[] partner = partners(tokens);
    Deque<Open> open = new ArrayDeque<>();
    Format format = base;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      int limit = open.isEmpty() ? tokens.size() : open.peek().close();
      if (i == limit) {
        open.pop();
        format = open.isEmpty() ? base : open.peek().format();
      } else if (t instanceof Delim d && partner[i] > i + 1 && partner[i] < limit) {
        format = apply(format, d);
        open.push(new Open(partner[i], format));
      } else {
        switch (t) {
          case Text(String text) -> out.append(text, format);
          case Delim d -> out.append(String.valueOf(d.marker()).repeat(d.length()), format);
          case Code(String content) -> out.append(content, format.inlineCode());
          case Link(List<Token> label, String url) -> emit(label, format.withLink(url), out);
        }
      }
    }
  }

  /**
   * Pairs each closer with the nearest unpaired opener of the same marker and length, like
   * brackets; {@code partner[i]} is the other end of token i's pair, or -1.
   */
  private static int[] partners(List<Token> tokens) {
    int[] partner = new int[tokens.size()];
    Arrays.fill(partner, -1);
    Map<String, Deque<Integer>> openers = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i) instanceof Delim d && styles(d)) {
        Deque<Integer> stack =
            openers.computeIfAbsent(d.marker() + "" + d.length(), k -> new ArrayDeque<>());
        if (d.canClose() && !stack.isEmpty()) {
          int o = stack.pop();
          partner[o] = i;
          partner[i] = o;
        } else if (d.canOpen()) {
          stack.push(i);
        }
      }
    }
    return partner;
  }

  private static Format apply(Format format, Delim d) {
    if (d.marker() == '~') {
      return format.withStrike();
    }
    return switch (d.length()) {
      case 1 -> format.withItalic();
      case 2 -> format.withBold();
      default -> format.withBold().withItalic();
    };
  }
}
