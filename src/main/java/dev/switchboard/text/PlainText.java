package dev.switchboard.text;

import java.util.Objects;

/**
 * Text with no markup: what a reader sees, markers and styles gone. Of text taken as it is
 * ({@link StyledText#plain}), this is the text itself, which is what the web chat and the API
 * show today.
 */
public final class PlainText implements MarkupRenderer {
  @Override
  public String render(StyledText piece) {
    return piece.text();
  }

  /**
   * Markdown where no markup can be shown (a file's caption): markers and styles gone, and a
   * link's address in parentheses after its text, unless the text is the address, so that no
   * address is lost.
   */
  public static String ofMarkdown(String markdown) {
    StyledText styled = MarkdownParser.parse(markdown);
    String text = styled.text();
    StringBuilder out = new StringBuilder();
    int linkStart = 0;
    for (int i = 0; i < styled.spans().size(); i++) {
      StyledText.Span span = styled.spans().get(i);
      String href = span.format().href();
      boolean startsLink = href != null
          && (i == 0 || !Objects.equals(styled.spans().get(i - 1).format().href(), href));
      if (startsLink) {
        linkStart = span.start();
      }
      out.append(span.of(text));
      boolean endsLink = href != null
          && (i == styled.spans().size() - 1
              || !Objects.equals(styled.spans().get(i + 1).format().href(), href));
      if (endsLink && !text.substring(linkStart, span.end()).strip().equals(href)) {
        out.append(" (").append(href).append(')');
      }
    }
    return out.toString().strip();
  }
}
