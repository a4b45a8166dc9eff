package dev.switchboard.text;

import dev.switchboard.text.MarkupWriter.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies as simple HTML, for platforms whose messages carry HTML (Matrix's {@code
 * formatted_body}, an email's HTML part): strong, em, del, code, pre with a {@code language-}
 * class, a href and blockquote; a line break is {@code <br>} (HTML collapses a bare one), except
 * inside pre; every other {@code <}, {@code >} and {@code &} is escaped. {@link #plain} gives the
 * text the HTML shows, for the plain form every such message carries too.
 */
public final class HtmlMarkup implements MarkupWriter.Vocabulary {
  private static final Tag QUOTE = new Tag("<blockquote>", "</blockquote>");
  private static final Tag PRE = new Tag("<pre><code>", "</code></pre>");
  private static final Tag CODE = new Tag("<code>", "</code>");
  private static final Tag BOLD = new Tag("<strong>", "</strong>");
  private static final Tag ITALIC = new Tag("<em>", "</em>");
  private static final Tag STRIKE = new Tag("<del>", "</del>");
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  @Override
  public List<Tag> tags(Format f) {
    List<Tag> tags = new ArrayList<>(5);
    if (f.pre() != null) {
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
    String escaped = HtmlText.escape(text);
    return format.pre() != null ? escaped : escaped.replace("\n", "<br>\n");
  }

  private static String attribute(String value) {
    return HtmlText.escape(value).replace("\"", "&quot;");
  }

  /**
   * The text the HTML shows, for {@code body}: tags removed ({@code <br>} and the line break
   * after it become one line break), entities decoded.
   */
  public static String plain(String html) {
    return HtmlText.visible(html.replace("<br>\n", "\n").replace("<br>", "\n"));
  }
}
