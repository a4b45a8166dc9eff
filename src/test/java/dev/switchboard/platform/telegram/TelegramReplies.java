package dev.switchboard.platform.telegram;

import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.PlainText;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;

/** Telegram's reply format at any limit, for the tests. */
final class TelegramReplies {
  private TelegramReplies() {}

  /** The reply as HTML messages of at most {@code max} visible UTF-16 code units. */
  static List<String> htmlChunks(String markdown, int max) {
    return new ReplyFormat(new TelegramHtml(), max, LengthUnit.UTF16, WhitespaceAtCuts.KEEP)
        .messages(markdown);
  }

  /** The reply taken as plain text, Markdown markers left in, cut by the same rules. */
  static List<String> plainChunks(String markdown, int max) {
    return new ReplyFormat(new PlainText(), max, LengthUnit.UTF16, WhitespaceAtCuts.KEEP)
        .messages(StyledText.plain(markdown));
  }

  /** The whole reply as one piece of HTML, whatever its length. */
  static String wholeHtml(String markdown) {
    return new TelegramHtml().render(MarkdownParser.parse(markdown));
  }
}
