package dev.switchboard.platform.slack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown as agents write it, in Slack's mrkdwn: {@code **bold**} becomes {@code *bold*},
 * {@code ~~x~~} {@code ~x~}, {@code [text](url)} {@code <url|text>}, headings bold lines;
 * {@code &}, {@code <} and {@code >} are escaped as Slack requires; code spans and blocks are
 * left as they are (Slack shows them the same), their contents only escaped.
 */
final class Mrkdwn {
  private static final Pattern CODE = Pattern.compile("```[\\s\\S]*?```|`[^`\\n]*`");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]+)\\]\\((https?://[^)\\s]+)\\)");
  private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");
  private static final Pattern STRIKE = Pattern.compile("~~(.+?)~~");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+)$");

  private Mrkdwn() {}

  static String from(String markdown) {
    StringBuilder out = new StringBuilder();
    Matcher code = CODE.matcher(markdown);
    int at = 0;
    while (code.find()) {
      out.append(prose(markdown.substring(at, code.start())));
      out.append(escape(code.group()));
      at = code.end();
    }
    out.append(prose(markdown.substring(at)));
    return out.toString();
  }

  private static String prose(String text) {
    String s = escape(text);
    s = LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement("<" + m.group(2) + "|"
        + m.group(1) + ">"));
    s = BOLD.matcher(s).replaceAll("*$1*");
    s = STRIKE.matcher(s).replaceAll("~$1~");
    s = HEADING.matcher(s).replaceAll("*$1*");
    return s;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * The reply as messages of at most {@code max} characters each, every one converted (and so
   * escaped) on its own: split between paragraphs, else lines, else anywhere, before
   * converting, since escaping makes text longer.
   */
  static java.util.List<String> messages(String markdown, int max) {
    java.util.List<String> out = new java.util.ArrayList<>();
    String rest = markdown;
    while (!rest.isEmpty()) {
      int take = Math.min(rest.length(), max / 2); // room for escapes to grow the text
      if (take < rest.length()) {
        int cut = Math.max(rest.lastIndexOf("\n\n", take), rest.lastIndexOf('\n', take));
        take = cut > take / 2 ? cut : take;
        if (Character.isHighSurrogate(rest.charAt(take - 1))) {
          take--;
        }
      }
      String part = from(rest.substring(0, take).strip());
      while (part.length() > max) { // only text made almost entirely of & < >
        out.add(part.substring(0, max));
        part = part.substring(max);
      }
      if (!part.isEmpty()) {
        out.add(part);
      }
      rest = rest.substring(take);
    }
    return out;
  }
}
