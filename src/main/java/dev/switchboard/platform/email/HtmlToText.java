package dev.switchboard.platform.email;

import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * The text an HTML mail shows, with its line structure: paragraphs, line breaks, list items and
 * table rows on lines of their own, a link's address after its text when it differs. jsoup
 * parses the HTML as a browser would (mail HTML is rarely well formed); its own {@code text()}
 * puts everything on one line, and {@code wholeText()} runs blocks together, hence this visitor.
 * Quoted earlier mail (Gmail's {@code gmail_quote}, Apple Mail's and Thunderbird's {@code
 * blockquote type=cite}, Outlook's reply header) is left out: the agent has the conversation.
 */
final class HtmlToText {
  private static final Set<String> BLOCKS = Set.of(
      "p",
      "div",
      "h1",
      "h2",
      "h3",
      "h4",
      "h5",
      "h6",
      "tr",
      "blockquote",
      "pre",
      "ul",
      "ol",
      "table",
      "section",
      "article",
      "header",
      "footer",
      "dl",
      "dt",
      "dd",
      "hr");
  private static final String QUOTED = "div.gmail_quote, blockquote.gmail_quote, div.yahoo_quoted,"
      + " blockquote[type=cite], div.moz-cite-prefix, div#divRplyFwdMsg, div#appendonsend";

  private HtmlToText() {}

  /** The text, without quoted earlier mail. */
  static String text(String html) {
    return text(html, true);
  }

  /** The text with every part kept: a forwarded mail's, or the gateway's own. */
  static String whole(String html) {
    return text(html, false);
  }

  private static String text(String html, boolean cutQuotes) {
    Document doc = Jsoup.parse(html);
    for (Element quoted : cutQuotes ? doc.select(QUOTED) : List.<Element>of()) {
      // Outlook's reply header is followed by the quoted mail as siblings.
      if (quoted.id().equals("divRplyFwdMsg") || quoted.id().equals("appendonsend")) {
        while (quoted.nextElementSibling() != null) {
          quoted.nextElementSibling().remove();
        }
      }
      quoted.remove();
    }
    doc.select("script, style, head, title").remove();
    StringBuilder out = new StringBuilder();
    doc.body().traverse(new Visitor(out));
    return tidy(out.toString());
  }

  /** Trailing spaces off every line, at most one empty line in a row, no blank ends. */
  private static String tidy(String text) {
    String lines = text.replace('\u00a0', ' ').replaceAll("[ \\t]+\\n", "\n");
    return lines.replaceAll("\\n{3,}", "\n\n").strip();
  }

  private static final class Visitor implements NodeVisitor {
    private final StringBuilder out;
    private int pre;

    Visitor(StringBuilder out) {
      this.out = out;
    }

    @Override
    public void head(Node node, int depth) {
      if (node instanceof TextNode t) {
        if (pre > 0) {
          out.append(t.getWholeText());
        } else {
          String words = t.text();
          if (atLineStart()) {
            words = words.stripLeading();
          }
          if (!words.isBlank()) {
            out.append(words);
          } else if (!words.isEmpty() && out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
          }
        }
      } else if (node instanceof Element e) {
        String tag = e.normalName();
        if (tag.equals("pre")) {
          pre++;
        }
        if (tag.equals("li")) {
          newLine();
          out.append("- ");
        } else if (BLOCKS.contains(tag)) {
          newLine();
        } else if (tag.equals("td") || tag.equals("th")) {
          if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\t');
          }
        }
      }
    }

    @Override
    public void tail(Node node, int depth) {
      if (!(node instanceof Element e)) {
        return;
      }
      String tag = e.normalName();
      if (tag.equals("pre")) {
        pre--;
      }
      if (tag.equals("br")) {
        out.append('\n');
      } else if (tag.equals("p") || tag.matches("h[1-6]")) {
        newLine();
        out.append('\n');
      } else if (BLOCKS.contains(tag) || tag.equals("li")) {
        newLine();
      } else if (tag.equals("a")) {
        String href = e.absUrl("href").isEmpty() ? e.attr("href") : e.absUrl("href");
        String shown = e.text().trim();
        boolean web = href.startsWith("http://") || href.startsWith("https://");
        if (web && !shown.equals(href) && !shown.equals(href.replaceFirst("^https?://", ""))) {
          out.append(" <").append(href).append('>');
        }
      }
    }

    private boolean atLineStart() {
      return out.isEmpty() || out.charAt(out.length() - 1) == '\n';
    }

    /** Ends the line, unless it is empty or holds only a list item's dash (its text follows). */
    private void newLine() {
      int n = out.length();
      boolean onlyDash = n >= 2
          && out.charAt(n - 1) == ' '
          && out.charAt(n - 2) == '-'
          && (n == 2 || out.charAt(n - 3) == '\n');
      if (!atLineStart() && !onlyDash) {
        out.append('\n');
      }
    }
  }
}
