package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checker the formatter's tests rely on must itself refuse what Telegram would. */
class HtmlCheckTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "<b>open",
        "text</b>",
        "<b><i>x</b></i>",
        "a < b",
        "a > b",
        "AT&T",
        "&nbsp;",
        "&#60;",
        "<u>x</u>",
        "<b></b>",
        "<b><b>x</b></b>",
        "<blockquote><blockquote>x</blockquote>" + "</blockquote>",
        "<b><code>x</code></b>",
        "<code><b>x</b></code>",
        "<pre>x<code class=\"language-a\">y</code></pre>",
        "<pre><code class=\"language-a\">y</code>z</pre>",
        "<code class=\"language-a\">y</code>",
        "<a href=\"x\"y\">z</a>",
        "<a href=\"&copy;\">z</a>",
        "<b>x<pre>y</pre></b>",
        "<a href='x'>y</a>",
        "<pre><b>x</b></pre>",
        "<b"
      })
  void refusesWhatTelegramWouldNot(String html) {
    assertThatThrownBy(() -> HtmlCheck.parse(html)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheVisibleTextAndTheEntities() {
    HtmlCheck.Result r = HtmlCheck.parse("<blockquote>q &lt;<b>b<i>i</i></b></blockquote>"
        + "<a href=\"https://x.test/?a=1&amp;b=&quot;\">l</a>"
        + "<pre><code class=\"language-py\">1 &gt; 0</code></pre>\"");

    assertThat(r.text()).isEqualTo("q <bil1 > 0\"");
    assertThat(r.entities())
        .containsExactlyInAnyOrder(
            new HtmlCheck.Entity("i", null, 4, 1),
            new HtmlCheck.Entity("b", null, 3, 2),
            new HtmlCheck.Entity("blockquote", null, 0, 5),
            new HtmlCheck.Entity("a", "https://x.test/?a=1&b=\"", 5, 1),
            new HtmlCheck.Entity("code", "py", 6, 5),
            new HtmlCheck.Entity("pre", null, 6, 5));
  }
}
