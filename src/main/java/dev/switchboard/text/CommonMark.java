package dev.switchboard.platform.discord;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkupRenderer;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import dev.switchboard.text.StyledText;
import java.util.List;

/**
 * Replies in the Markdown Discord renders itself. The agent's Markdown mostly passes through:
 * written back from the parsed reply it reads as the agent wrote it, except that {@code __x__}
 * becomes {@code **x**} (Discord would underline it), {@code _x_} becomes {@code *x*}, and a
 * heading becomes a bold line, as on the other platforms. What a cut would break is mended:
 * each message closes the styles and the code block it ends inside, and the next opens them
 * again, with the block's language. Literal text is written as typed unless it would then read
 * differently (a piece that starts inside a line, an escaped {@code \*}); then every markup
 * character in it is escaped, outside bare URLs so that they still work, or, if even that reads
 * differently (a URL the source ended with a backslash, markup right after it), everywhere.
 * Mentions are not touched here: the adapter sends every message with {@code allowed_mentions}
 * empty, so nothing an agent writes pings anyone.
 */
final class DiscordMarkdown implements MarkupRenderer {
  private static final Tag BOLD = new Tag("**", "**", true);
  private static final Tag ITALIC = new Tag("*", "*", true);
  private static final Tag STRIKE = new Tag("~~", "~~", true);
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  /** How literal text is written, from the least changed to the most. */
  private enum Literal {
    AS_TYPED,
    ESCAPED,
    URLS_ESCAPED_TOO
  }

  @Override
  public String render(StyledText piece) {
    String written = "";
    for (Literal literal : Literal.values()) {
      written = MarkupWriter.write(piece, new Words(literal));
      if (MarkdownParser.parse(written).text().equals(piece.text())) {
        break;
      }
    }
    return written;
  }

  private record Words(Literal literal) implements MarkupWriter.Vocabulary {
    @Override
    public List<Tag> tags(Format f) {
      return EMPHASIS.around(f, href -> new Tag("[", "](" + href + ")"));
    }

    @Override
    public String text(String text, Format format) {
      if (format.pre() != null) {
        String fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
        return fence + format.pre() + "\n" + text + "\n" + fence;
      }
      if (format.code()) {
        String ticks = "`".repeat(longestBacktickRun(text) + 1);
        // CommonMark drops one space on each side, which lets code start or end with a tick.
        boolean pad = text.startsWith("`")
            || text.endsWith("`")
            || (text.startsWith(" ") && text.endsWith(" ") && !text.isBlank());
        String body = pad ? " " + text + " " : text;
        return ticks + body + ticks;
      }
      return switch (literal) {
        case AS_TYPED -> text;
        case ESCAPED -> MarkdownParser.escape(text);
        case URLS_ESCAPED_TOO -> MarkdownParser.escapeAll(text);
      };
    }

    @Override
    public String linePrefix(Format format) {
      return format.quote() ? "> " : "";
    }
  }

  private static int longestBacktickRun(String text) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
