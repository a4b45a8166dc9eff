package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Replies as Matrix HTML, and the plain body every message carries beside it. */
class MatrixHtmlTest {
  private static String render(String markdown) {
    return String.join("\n---\n", MatrixHtml.REPLIES.messages(markdown));
  }

  @Test
  void stylesLinksAndCodeAreTheSpecsSuggestedTags() {
    assertThat(render("**bold** _it_ ~~gone~~ `x<y` [link](https://example.com?a=1&b=2)"))
        .isEqualTo("<strong>bold</strong> <em>it</em> <del>gone</del> <code>x&lt;y</code>"
            + " <a href=\"https://example.com?a=1&amp;b=2\">link</a>");
    assertThat(render("```java\nint a = 1 < 2;\n```"))
        .isEqualTo("<pre><code class=\"language-java\">int a = 1 &lt; 2;</code></pre>");
  }

  @Test
  void lineBreaksAreBrOutsideCodeAndTheBodyIsTheTextShown() {
    String html = render("first line\nsecond & last");
    assertThat(html).isEqualTo("first line<br>\nsecond &amp; last");
    assertThat(MatrixHtml.plain(html)).isEqualTo("first line\nsecond & last");
    assertThat(MatrixHtml.plain(render("a **b** `<c>`"))).isEqualTo("a b <c>");
  }

  @Test
  void aLongReplyIsSplitWithinTheLimit() {
    assertThat(MatrixHtml.REPLIES.messages("word & ".repeat(2000)))
        .hasSizeGreaterThan(1)
        .allSatisfy(m -> assertThat(m.codePointCount(0, m.length()))
            .isLessThanOrEqualTo(MatrixHtml.MAX_MESSAGE));
  }
}
