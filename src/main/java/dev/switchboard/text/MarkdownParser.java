package dev.switchboard.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an agent's Markdown reply into {@link StyledText}, once, for every platform. The line
 * structure is read here: fenced code blocks, "> " quote lines and "#" headings; every other
 * line is prose for {@link InlineParser}. Lines are parsed one at a time, so a marker is never
 * paired with one on another line, and nothing between fences is interpreted.
 *
 * <p>Supported: {@code **bold**} {@code __bold__} {@code *italic*} {@code _italic_}
 * {@code ~~strike~~} {@code `code`}, fenced code blocks, {@code [text](https://...)} links,
 * {@code > } quote lines and {@code # } headings (shown bold). Everything else, lists and tables
 * included, is text shown as typed, which every chat platform displays well.
 *
 * <p>Hand-written rather than commonmark-java (which resolves here, with its GFM extensions):
 * chat platforms show a message's text as sent, newline for newline, and replies are expected to
 * look as the agent typed them. A CommonMark parser reflows: it joins runs of blank lines into
 * one paragraph break, drops the spaces before a line break and at the start of lines, reads
 * four-space-indented lines as code, a line under "===" as a heading, {@code >text} as a quote,
 * decodes entities such as {@code &}{@code amp;}, and finds emphasis inside bare URLs before its autolinker sees them.
 * Each of those would change what users see today and what the tests pin (text without
 * Markdown is shown exactly as written). The subset above is read the CommonMark way where that
 * is cheap (flanking rules, code spans binding tightest, unclosed fences running to the end).
 */
public final class MarkdownParser {
  private static final Pattern FENCE = Pattern.compile("( {0,3})(`{3,})([^`]*)");
  private static final Pattern HEADING = Pattern.compile(" {0,3}#{1,6}[ \t]+(\\S.*)");
  private static final Pattern QUOTE = Pattern.compile(" {0,3}>(?: (.*))?");
  // A language ends up in an HTML attribute or after a fence: anything odd gets no label.
  private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_+#.-]{1,32}");

  private MarkdownParser() {}

  /**
   * Literal text written so that {@link #parse} shows it as it is, no character as markup;
   * bare URLs are left as typed, so that they still work as links.
   */
  public static String escape(String text) {
    return InlineParser.escape(text, true);
  }

  /**
   * The same with URLs escaped too: for text that ends in a URL where markup follows at once,
   * which the URL would otherwise take in.
   */
  public static String escapeAll(String text) {
    return InlineParser.escape(text, false);
  }

  public static StyledText parse(String markdown) {
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
