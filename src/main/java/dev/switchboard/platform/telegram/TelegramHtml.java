package dev.switchboard.platform.telegram;

import static dev.switchboard.text.HtmlText.escape;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.HtmlText;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies as HTML for Telegram's {@code parse_mode=HTML}: b, i, s, code, pre with a language
 * class, a href and blockquote, every other {@code <}, {@code >} and {@code &} escaped. Tags
 * nest in one order (quote, link, bold, italic, strike; or quote, code; or pre with its code),
 * the only nesting Telegram accepts for all of them. Telegram counts its 4096 limit on the text
 * the HTML shows, in UTF-16 code units, and strips a message's edges and refuses a blank one,
 * hence {@link WhitespaceAtCuts#KEEP}.
 */
public final class TelegramHtml implements MarkupWriter.Vocabulary {
  static final int MAX_MESSAGE = 4096;
  public static final ReplyFormat REPLIES =
      new ReplyFormat(new TelegramHtml(), MAX_MESSAGE, LengthUnit.UTF16, WhitespaceAtCuts.KEEP);

  private static final Tag QUOTE = new Tag("<blockquote>", "</blockquote>");
  private static final Tag PRE = new Tag("<pre>", "</pre>");
  private static final Tag CODE = new Tag("<code>", "</code>");
  private static final Tag BOLD = new Tag("<b>", "</b>");
  private static final Tag ITALIC = new Tag("<i>", "</i>");
  private static final Tag STRIKE = new Tag("<s>", "</s>");
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  @Override
  public String counted(String html) {
    return HtmlText.visible(html);
  }

  @Override
  public List<Tag> tags(Format f) {
    List<Tag> tags = new ArrayList<>(5);
    if (f.pre() != null) {
      // One unit, so that two neighbouring blocks in different languages never share a pre.
      tags.add(
          f.pre().isEmpty()
              ? PRE
              : new Tag(
                  "<pre><code class=\"language-" + attribute(f.pre()) + "\">", "</code></pre>"));
      return tags;
    }
    if (f.quote()) {
      tags.add(QUOTE);
    }
    if (f.code()) {
      tags.add(CODE);
      return tags;
    }
    if (f.href() != null) {
      tags.add(new Tag("<a href=\"" + attribute(f.href()) + "\">", "</a>"));
    }
    EMPHASIS.addTo(tags, f);
    return tags;
  }

  @Override
  public String text(String text, Format format) {
    return escape(text);
  }

  private static String attribute(String value) {
    return escape(value).replace("\"", "&quot;");
  }
}
