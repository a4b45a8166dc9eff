package dev.switchboard.platform.telegram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line structure of a reply: fenced code blocks, "> " quote lines and "#" headings; every
 * other line is prose for {@link InlineParser}. Lines are parsed one at a time, so a marker is
 * never paired with one on another line, and nothing between fences is interpreted.
 */
final class MarkdownParser {
  private static final Pattern FENCE = Pattern.compile("( {0,3})(`{3,})([^`]*)");
  private static final Pattern HEADING = Pattern.compile(" {0,3}#{1,6}[ \t]+(\\S.*)");
  private static final Pattern QUOTE = Pattern.compile(" {0,3}>(?: (.*))?");
  // Telegram knows a fixed list of languages; anything odd still gets a block, unlabelled.
  private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_+#.-]{1,32}");

  private MarkdownParser() {}

  static StyledText parse(String markdown) {
    String[] lines = markdown.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    StyledText.Builder out = new StyledText.Builder();
    boolean previousQuoted = false;
    int i = 0;
    while (i < lines.length) {
      if (i > 0) {
        boolean quoteGoesOn = previousQuoted && QUOTE.matcher(lines[i]).matches();
        out.append("\n", quoteGoesOn ? Format.PLAIN.withQuote() : Format.PLAIN);
      }
      Matcher fence = FENCE.matcher(lines[i]);
      if (fence.matches()) {
        i = codeBlock(lines, i, fence, out);
        previousQuoted = false;
        continue;
      }
      Matcher quote = QUOTE.matcher(lines[i]);
      Matcher heading = HEADING.matcher(lines[i]);
      if (quote.matches()) {
        String content = quote.group(1);
        InlineParser.parse(content == null ? "" : content, Format.PLAIN.withQuote(), out);
      } else if (heading.matches()) {
        InlineParser.parse(heading.group(1), Format.PLAIN.withBold(), out);
      } else {
        InlineParser.parse(lines[i], Format.PLAIN, out);
      }
      previousQuoted = quote.matches();
      i++;
    }
    return out.build();
  }

  /**
   * Appends the block opened at {@code open} and returns the index of the first line after it.
   * An unclosed fence runs to the end of the reply, as in CommonMark: a reply cut short in the
   * middle of a code block still shows the code as code.
   */
  private static int codeBlock(String[] lines, int open, Matcher fence, StyledText.Builder out) {
    int indent = fence.group(1).length();
    int ticks = fence.group(2).length();
    String info = fence.group(3).strip();
    String language = info.isEmpty() ? "" : info.split("\\s+", 2)[0];
    if (!LANGUAGE.matcher(language).matches()) {
      language = "";
    }
    StringBuilder code = new StringBuilder();
    int i = open + 1;
    while (i < lines.length && !closesFence(lines[i], ticks)) {
      if (i > open + 1) {
        code.append('\n');
      }
      code.append(dedent(lines[i], indent));
      i++;
    }
    out.append(code.toString(), Format.codeBlock(language));
    return i < lines.length ? i + 1 : i;
  }

  private static boolean closesFence(String line, int ticks) {
    String s = line.strip();
    return line.indexOf('`') <= 3 && s.length() >= ticks && s.chars().allMatch(c -> c == '`');
  }

  private static String dedent(String line, int indent) {
    int k = 0;
    while (k < indent && k < line.length() && line.charAt(k) == ' ') {
      k++;
    }
    return line.substring(k);
  }
}
