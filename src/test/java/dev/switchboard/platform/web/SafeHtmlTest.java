package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.Format;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.StyledText;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeHtmlTest {
  private static String html(String markdown) {
    return new SafeHtml().render(MarkdownParser.parse(markdown));
  }

  private static String link(String href) {
    return new SafeHtml()
        .render(new StyledText(
            "here",
            List.of(new StyledText.Span(
                0, 4, new Format(false, false, false, false, false, href, null)))));
  }

  @Test
  void markdownBecomesTheAllowedElements() {
    assertThat(html("**b** *i* ~~s~~ `c` [l](https://x.test/?a=1&b=\"2\")\n> q\n```js\nx < 1\n```"))
        .isEqualTo("<strong>b</strong> <em>i</em> <del>s</del> <code>c</code> "
            + "<a href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\""
            + " rel=\"noopener noreferrer\">l</a>"
            + "<br><blockquote>q</blockquote><br>"
            + "<pre><code class=\"language-js\">x &lt; 1</code></pre>");
  }

  @Test
  void aScriptIsTextNeverAnElement() {
    String out = html("hi <script>alert('x')</script> & <b onclick=\"y()\">b</b>");

    assertThat(out)
        .doesNotContain("<script", "<b ")
        .isEqualTo("hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
            + "&lt;b onclick=&quot;y()&quot;&gt;b&lt;/b&gt;");
  }

  @Test
  void rawHtmlBlocksAreShownAsTypedNotRendered() {
    String out = html("<div onclick=\"x()\">\n<img src=x onerror=alert(1)>\n</div>");

    assertThat(out).doesNotContain("<div", "<img", "</div>").startsWith("&lt;div onclick=");
  }

  @Test
  void onlyWebAndMailLinksBecomeLinksAndTheRestIsTheirText() {
    assertThat(html("[x](javascript:alert(1))")).isEqualTo("[x](javascript:alert(1))");
    assertThat(link("javascript:alert(1)")).isEqualTo("here");
    assertThat(link(" JavaScript:alert(1)")).isEqualTo("here");
    assertThat(link("data:text/html,<script>")).isEqualTo("here");
    assertThat(link("mailto:a@b.test"))
        .isEqualTo("<a href=\"mailto:a@b.test\" rel=\"noopener noreferrer\">here</a>");
  }

  @Test
  void aStrangeLanguageNeverLeavesItsAttribute() {
    assertThat(html("```\"><script>\nx\n```")).isEqualTo("<pre><code>x</code></pre>");
  }
}
