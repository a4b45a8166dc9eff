package dev.switchboard.platform.web;

import dev.switchboard.text.Emphasis;
import dev.switchboard.text.Format;
import dev.switchboard.text.MarkupWriter;
import dev.switchboard.text.MarkupWriter.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replies as HTML safe to put into the chat page: only the elements below, made here, with no
 * attribute but a link's {@code href} (http, https or mailto; any other link is its text
 * alone) and {@code rel}, and a code block's language class. Everything the agent wrote is
 * text: {@code <}, {@code >}, {@code &} and quotes are escaped, so a {@code <script>} or any
 * other HTML in a reply shows as typed and never becomes markup. Line breaks outside code
 * blocks are {@code <br>}. The web chat's replies are written with it ({@link ReplyHtml}); the
 * page builds its elements from this vocabulary only, so it is also what the page accepts.
 */
final class SafeHtml implements MarkupWriter.Vocabulary {
  private static final Tag QUOTE = new Tag("<blockquote>", "</blockquote>");
  private static final Tag CODE = new Tag("<code>", "</code>");
  private static final Tag BOLD = new Tag("<strong>", "</strong>");
  private static final Tag ITALIC = new Tag("<em>", "</em>");
  private static final Tag STRIKE = new Tag("<del>", "</del>");
  private static final Emphasis EMPHASIS = new Emphasis(BOLD, ITALIC, STRIKE);

  @Override
  public List<Tag> tags(Format f) {
    List<Tag> tags = new ArrayList<>(5);
    if (f.pre() != null) {
      tags.add(new Tag(
          f.pre().isEmpty()
              ? "<pre><code>"
              : "<pre><code class=\"language-" + escape(f.pre()) + "\">",
          "</code></pre>"));
      return tags;
    }
    if (f.quote()) {
      tags.add(QUOTE);
    }
    if (f.code()) {
      tags.add(CODE);
      return tags;
    }
    if (f.href() != null && isSafeLink(f.href())) {
      tags.add(
          new Tag("<a href=\"" + escape(f.href()) + "\" rel=\"noopener noreferrer\">", "</a>"));
    }
    EMPHASIS.addTo(tags, f);
    return tags;
  }

  @Override
  public String text(String text, Format format) {
    String escaped = escape(text);
    return format.pre() != null ? escaped : escaped.replace("\n", "<br>");
  }

  static boolean isSafeLink(String url) {
    String lower = url.strip().toLowerCase(Locale.ROOT);
    return lower.startsWith("https://")
        || lower.startsWith("http://")
        || lower.startsWith("mailto:");
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
