package dev.switchboard.platform.email;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts the quoted earlier mail from a plain-text reply: the agent has the conversation already,
 * and a long thread would otherwise send it back whole at every turn. Mail clients mark a quote
 * only by habit ("On … wrote:", "-----Original Message-----", lines starting with {@code >}),
 * so this follows the common habits and keeps the whole text when the cut would leave nothing.
 * A forwarded mail is the point of its mail, not a quote: it is never cut ({@link InboundMail}).
 */
final class QuotedText {
  private static final List<Pattern> HEADERS = List.of(
      Pattern.compile("^On .{1,300}wrote:\\s*$"),
      Pattern.compile("^Le .{1,300}a écrit\\s*:\\s*$"),
      Pattern.compile("^Am .{1,300}schrieb .{1,200}:\\s*$"),
      Pattern.compile("^El .{1,300}escribió:\\s*$"),
      Pattern.compile("^-{2,}\\s*Original Message\\s*-{2,}\\s*$", Pattern.CASE_INSENSITIVE));
  private static final Pattern OUTLOOK_FROM = Pattern.compile("^\\*?From:\\*? .+");
  private static final Pattern OUTLOOK_NEXT = Pattern.compile("^\\*?(Sent|Date):\\*? .+");

  private QuotedText() {}

  static String cut(String text) {
    String[] lines = text.split("\n", -1);
    int end = lines.length;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String joined = i + 1 < lines.length ? line + " " + lines[i + 1].strip() : line;
      if (matches(line) || (line.startsWith("On ") && matches(joined))) {
        end = i;
        break;
      }
      if (OUTLOOK_FROM.matcher(line).matches()
          && i + 1 < lines.length
          && OUTLOOK_NEXT.matcher(lines[i + 1].strip()).matches()) {
        end = i;
        break;
      }
    }
    // What is left of the quote: trailing "> " lines and blank ones.
    while (end > 0 && (lines[end - 1].isBlank() || lines[end - 1].startsWith(">"))) {
      end--;
    }
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < end; i++) {
      kept.append(lines[i]).append('\n');
    }
    String result = kept.toString().strip();
    return result.isEmpty() ? text.strip() : result;
  }

  private static boolean matches(String line) {
    for (Pattern p : HEADERS) {
      if (p.matcher(line).matches()) {
        return true;
      }
    }
    return false;
  }
}
