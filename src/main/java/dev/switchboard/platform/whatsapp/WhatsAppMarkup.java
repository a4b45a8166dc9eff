package dev.switchboard.platform.whatsapp;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;

/**
 * Replies in WhatsApp's formatting: {@code *bold*}, {@code _italic_}, {@code ~strike~}, {@code
 * `inline code`}, {@code ```blocks```} (no language), {@code > } quote lines; headings are bold
 * lines. WhatsApp has no links with text, so a link is its text followed by the URL in
 * parentheses (WhatsApp makes a URL clickable by itself), and no escapes, so text is written as
 * it is. WhatsApp takes a style only when no whitespace touches its markers inside, so
 * whitespace at the edges of styled text goes outside them. A message holds at most 4,096
 * characters.
 */
final class WhatsAppMarkup implements MarkupWriter.Vocabulary {
  static final int MAX_MESSAGE = 4096;
  static final ReplyFormat REPLIES =
      new ReplyFormat(new WhatsAppMarkup(), MAX_MESSAGE, LengthUnit.UTF16, WhitespaceAtCuts.TRIM);

  private static final Tag BOLD = new Tag("*", "*", true);
  private static final Tag ITALIC = new Tag("_", "_", true);
  private static final Tag STRIKE = new Tag("~", "~", true);
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  @Override
  public List<Tag> tags(Format f) {
    return EMPHASIS.around(f, href -> new Tag("", " (" + href + ")"));
  }

  @Override
  public String text(String text, Format format) {
    if (format.pre() != null) {
      return "```\n" + text + "\n```";
    }
    return format.code() ? "`" + text + "`" : text;
  }

  @Override
  public String linePrefix(Format format) {
    return format.quote() ? "> " : "";
  }
}
