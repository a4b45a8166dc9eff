package dev.switchboard.platform.matrix;

import dev.switchboard.text.HtmlMarkup;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;

/**
 * Replies as the HTML a Matrix message carries in {@code formatted_body}
 * ({@code org.matrix.custom.html}): {@link HtmlMarkup}, which keeps to the spec's suggested
 * subset. The {@code body} every message needs too is the text the HTML shows ({@link #plain}).
 * An event may not pass 65,536 bytes, and an edit carries its text three times, so a message is
 * held to 4,000 characters of HTML.
 */
final class MatrixHtml {
  static final int MAX_MESSAGE = 4000;
  static final ReplyFormat REPLIES =
      new ReplyFormat(new HtmlMarkup(), MAX_MESSAGE, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM);

  private MatrixHtml() {}

  /**
   * The text the HTML shows, for {@code body}: tags removed ({@code <br>} and the line break
   * after it become one line break), entities decoded.
   */
  static String plain(String html) {
    return HtmlMarkup.plain(html);
  }
}
