package dev.switchboard.platform.slack;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import java.util.List;

/**
 * Replies in Slack's mrkdwn: {@code *bold*}, {@code _italic_}, {@code ~strike~}, {@code `code`},
 * {@code ```blocks```} (Slack shows no language), {@code <url|text>} links and {@code > } quote
 * lines; headings are bold lines. {@code &}, {@code <} and {@code >} are escaped everywhere, as
 * Slack requires of text not meant as its control characters, so nothing an agent writes can
 * become a mention or a link ({@code <!channel>}). Slack takes a style only when no whitespace
 * touches its markers inside, so whitespace at the edges of styled text goes outside them.
 */
final class Mrkdwn implements MarkupWriter.Vocabulary {
  private static final Tag BOLD = new Tag("*", "*", true);
  private static final Tag ITALIC = new Tag("_", "_", true);
  private static final Tag STRIKE = new Tag("~", "~", true);
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  @Override
  public List<Tag> tags(Format f) {
    return EMPHASIS.around(f, href -> new Tag("<" + escape(href).replace("|", "%7C") + "|", ">"));
  }

  @Override
  public String text(String text, Format format) {
    if (format.pre() != null) {
      return "```\n" + escape(text) + "\n```";
    }
    return format.code() ? "`" + escape(text) + "`" : escape(text);
  }

  @Override
  public String linePrefix(Format format) {
    return format.quote() ? "> " : "";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
