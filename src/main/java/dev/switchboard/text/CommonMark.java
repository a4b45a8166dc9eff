package dev.switchboard.text;

import dev.switchboard.text.MarkupWriter.Tag;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Replies in CommonMark, for the platforms that render Markdown themselves (Discord,
 * Mattermost). The agent's Markdown mostly passes through: written back from the parsed reply
 * it reads as the agent wrote it, except that {@code __x__} becomes {@code **x**} (Discord would
 * underline it), {@code _x_} becomes {@code *x*}, and a heading becomes a bold line, as on the
 * other platforms. What a cut would break is mended: each message closes the styles and the
 * code block it ends inside, and the next opens them again, with the block's language. Literal
 * text is written as typed unless it would then read differently (a piece that starts inside a
 * line, an escaped {@code \*}); then every markup character in it is escaped, outside bare URLs
 * so that they still work, or, if even that reads differently (a URL the source ended with a
 * backslash, markup right after it), everywhere. A platform may also guard literal text (keep
 * words from pinging people): the guard's additions are taken out again when a message is read
 * back to check it.
 */
public final class CommonMark implements MarkupRenderer {
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

  private final UnaryOperator<String> guard;
  private final UnaryOperator<String> unguard;

  /** Literal text as it is. */
  public CommonMark() {
    this(UnaryOperator.identity(), UnaryOperator.identity());
  }

  /**
   * @param guard applied to literal text, outside code, once written
   * @param unguard takes {@code guard}'s additions out of text read back
   */
  public CommonMark(UnaryOperator<String> guard, UnaryOperator<String> unguard) {
    this.guard = guard;
    this.unguard = unguard;
  }

  @Override
  public String render(StyledText piece) {
    String written = "";
    for (Literal literal : Literal.values()) {
      written = MarkupWriter.write(piece, new Words(literal, guard));
      if (unguard.apply(MarkdownParser.parse(written).text()).equals(piece.text())) {
        break;
      }
    }
    return written;
  }

  private record Words(Literal literal, UnaryOperator<String> guard)
      implements MarkupWriter.Vocabulary {
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
        case AS_TYPED -> guard.apply(text);
        case ESCAPED -> guard.apply(MarkdownParser.escape(text));
        case URLS_ESCAPED_TOO -> guard.apply(MarkdownParser.escapeAll(text));
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
