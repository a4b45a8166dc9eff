package dev.switchboard.text;

import java.util.List;
import java.util.Objects;

/**
 * How one platform shows replies: its markup, the longest message it takes and what it counts
 * that length in, and what happens to whitespace where a reply is cut. This is what a platform
 * plugs into the reply pipeline: Markdown is read once ({@link MarkdownParser}), cut into
 * pieces that fit ({@link Splitter}) and each piece written in the platform's markup.
 *
 * @param limit the longest message, in {@code unit}s, counted on what the platform counts
 *     ({@link MarkupRenderer#counted})
 */
public record ReplyFormat(
    MarkupRenderer renderer, int limit, LengthUnit unit, WhitespaceAtCuts whitespace) {

  public ReplyFormat {
    Objects.requireNonNull(renderer);
    Objects.requireNonNull(unit);
    if (limit < whitespace.minimumLimit()) {
      throw new IllegalArgumentException(
          "limit must be at least " + whitespace.minimumLimit() + ": " + limit);
    }
  }

  /**
   * Text as it is, no Markdown read into it, cut at {@code limit} UTF-16 code units: what the
   * gateway sends to a platform that renders nothing itself (the web chat, the API).
   */
  public static ReplyFormat plainText(int limit) {
    return new ReplyFormat(new PlainText(), limit, LengthUnit.UTF16, WhitespaceAtCuts.TRIM);
  }

  /** An agent's Markdown reply as the messages to send, in order. */
  public List<String> messages(String markdown) {
    return messages(MarkdownParser.parse(Objects.requireNonNull(markdown)));
  }

  public List<String> messages(StyledText reply) {
    return new Splitter(reply, this).split();
  }

  boolean fits(String rendered) {
    return unit.length(renderer.counted(rendered)) <= limit;
  }
}
