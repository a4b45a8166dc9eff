package dev.switchboard.platform.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes styled text as Telegram HTML. Tags always nest in one order (quote, link, bold,
 * italic, strike; or quote, code; or pre with its code), so moving from one span to the next
 * closes only what differs and the output is well formed by construction; at the end of a
 * piece everything still open is closed.
 */
final class HtmlRenderer {
  private HtmlRenderer() {}

  private record Tag(String open, String close) {}

  private static final Tag QUOTE = new Tag("<blockquote>", "</blockquote>");
  private static final Tag PRE = new Tag("<pre>", "</pre>");
  private static final Tag CODE = new Tag("<code>", "</code>");
  private static final Tag BOLD = new Tag("<b>", "</b>");
  private static final Tag ITALIC = new Tag("<i>", "</i>");
  private static final Tag STRIKE = new Tag("<s>", "</s>");

  static String render(StyledText doc) {
    StringBuilder out = new StringBuilder(doc.length() + 64);
    List<Tag> open = new ArrayList<>();
    for (StyledText.Span span : doc.spans()) {
      List<Tag> wanted = tags(span.format());
      int common = 0;
      while (common < open.size() && common < wanted.size()
          && open.get(common).equals(wanted.get(common))) {
        common++;
      }
      while (open.size() > common) {
        out.append(open.removeLast().close());
      }
      for (Tag tag : wanted.subList(common, wanted.size())) {
        out.append(tag.open());
        open.add(tag);
      }
      out.append(TelegramFormatter.escape(doc.text().substring(span.start(), span.end())));
    }
    while (!open.isEmpty()) {
      out.append(open.removeLast().close());
    }
    return out.toString();
  }

  private static List<Tag> tags(Format f) {
    List<Tag> tags = new ArrayList<>(5);
    if (f.pre() != null) {
      // One unit, so that two neighbouring blocks in different languages never share a pre.
      tags.add(f.pre().isEmpty() ? PRE : new Tag(
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
    if (f.bold()) {
      tags.add(BOLD);
    }
    if (f.italic()) {
      tags.add(ITALIC);
    }
    if (f.strike()) {
      tags.add(STRIKE);
    }
    return tags;
  }

  private static String attribute(String value) {
    return TelegramFormatter.escape(value).replace("\"", "&quot;");
  }
}
