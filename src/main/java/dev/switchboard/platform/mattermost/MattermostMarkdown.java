package dev.switchboard.platform.mattermost;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkupRenderer;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Replies in the Markdown Mattermost renders itself (CommonMark with GitHub's tables and
 * strikethrough). The agent's Markdown mostly passes through, written back from the parsed
 * reply: {@code __x__} and {@code _x_} become {@code **x**} and {@code *x*}, a heading becomes a
 * bold line, as on the other platforms, and what a cut would break is mended (each message
 * closes the styles and the code block it ends inside, and the next opens them again). Literal
 * text is written as typed unless it would then read differently; then its markup characters
 * are escaped. Mattermost has no way to send a post that pings nobody, so the words that ping a
 * whole channel ({@code @channel}, {@code @all}, {@code @here}) get a zero-width space after
 * their {@code @} in literal text: they read the same and notify no one. A mention of one
 * person still notifies that person, as a person's own post would; the server ignores mentions
 * inside code, which is left as written.
 */
final class MattermostMarkdown implements MarkupRenderer {
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

  /**
   * Mattermost's channel-wide mentions. Followed by punctuation ({@code @all-hands}) the server
   * may still read one, so only a letter or digit after it makes it another word.
   */
  private static final Pattern GROUP_MENTION =
      Pattern.compile("(?<![\\w@])@(channel|all|here)(?!\\w)", Pattern.CASE_INSENSITIVE);

  private static final String ZERO_WIDTH_SPACE = "\u200B";

  @Override
  public String render(StyledText piece) {
    String written = "";
    for (Literal literal : Literal.values()) {
      written = MarkupWriter.write(piece, new Words(literal));
      if (withoutGuards(MarkdownParser.parse(written).text()).equals(piece.text())) {
        break;
      }
    }
    return written;
  }

  /** {@code text} with its channel-wide mentions kept from pinging. */
  static String guarded(String text) {
    return GROUP_MENTION.matcher(text).replaceAll("@" + ZERO_WIDTH_SPACE + "$1");
  }

  private static String withoutGuards(String text) {
    return text.replace("@" + ZERO_WIDTH_SPACE, "@");
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
        case AS_TYPED -> guarded(text);
        case ESCAPED -> guarded(MarkdownParser.escape(text));
        case URLS_ESCAPED_TOO -> guarded(MarkdownParser.escapeAll(text));
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
