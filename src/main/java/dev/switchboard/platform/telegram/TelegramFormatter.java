package dev.switchboard.platform.telegram;

import java.util.List;
import java.util.Objects;

/**
 * Turns an agent's Markdown reply into Telegram messages: HTML for {@code parse_mode=HTML},
 * or plain text for when Telegram rejects the HTML anyway.
 *
 * <p>Hand-written because no Java library does this job: Markdown renderers emit full HTML
 * (paragraphs, lists, headings) that Telegram refuses, and none splits a reply by its visible
 * length while keeping every piece well-formed HTML in Telegram's small tag set. The work is
 * three steps, each in its own class: {@link MarkdownParser} (with {@link InlineParser}) reads
 * the reply into {@link StyledText}, {@link VisibleChunker} cuts that by visible length, and
 * {@link HtmlRenderer} writes each piece, reopening formatting a cut went through.
 *
 * <p>Supported: {@code **bold**} {@code __bold__} {@code *italic*} {@code _italic_}
 * {@code ~~strike~~} {@code `code`}, fenced code blocks, {@code [text](https://...)} links,
 * {@code > } quote lines and {@code # } headings (shown bold). Everything else, including any
 * marker without a partner, is shown as typed.
 */
public final class TelegramFormatter {
  /**
   * The reply as HTML messages, each at most {@code maxVisible} UTF-16 code units once Telegram
   * has parsed it. A blank reply gives no messages. The visible texts of the messages joined
   * are the visible text of the whole reply, except that leading and trailing whitespace is
   * dropped and a run of whitespace longer than {@code maxVisible - 2} is shortened to that:
   * no message may be blank.
   *
   * @throws IllegalArgumentException if {@code maxVisible < 3}
   */
  public List<String> toHtmlChunks(String markdown, int maxVisible) {
    checkLimit(maxVisible);
    return VisibleChunker.split(MarkdownParser.parse(Objects.requireNonNull(markdown)),
        maxVisible).stream().map(HtmlRenderer::render).toList();
  }

  /**
   * The reply as plain messages, Markdown markers left in and nothing escaped, cut by the same
   * rules as {@link #toHtmlChunks}; joined they are the reply itself, with the same exceptions
   * for leading, trailing and overlong whitespace.
   */
  public List<String> toPlainChunks(String markdown, int maxVisible) {
    checkLimit(maxVisible);
    return VisibleChunker.split(StyledText.plain(Objects.requireNonNull(markdown)), maxVisible)
        .stream().map(StyledText::text).toList();
  }

  /** The whole reply as one piece of HTML, whatever its length. */
  String toHtml(String markdown) {
    return HtmlRenderer.render(MarkdownParser.parse(Objects.requireNonNull(markdown)));
  }

  /** Text made safe for Telegram HTML: {@code &}, {@code <} and {@code >} as entities. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  // Below three, a run of blanks could not be kept from filling a whole message.
  private static void checkLimit(int maxVisible) {
    if (maxVisible < 3) {
      throw new IllegalArgumentException("maxVisible must be at least 3: " + maxVisible);
    }
  }
}
