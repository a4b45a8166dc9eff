package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text an HTML mail shows, line by line, without what it quotes. */
class HtmlToTextTest {

  @Test
  void paragraphsAndDivsAreLinesOfTheirOwn() {
    assertThat(HtmlToText.text("<p>one</p><p>two</p>")).isEqualTo("one\n\ntwo");
    assertThat(HtmlToText.text("<div>one</div> <div>two</div><div>three</div>"))
        .isEqualTo("one\ntwo\nthree");
    assertThat(HtmlToText.text("<h1>Title</h1>text")).isEqualTo("Title\n\ntext");
  }

  @Test
  void aBreakIsALineBreak() {
    assertThat(HtmlToText.text("first<br>second<br/>third")).isEqualTo("first\nsecond\nthird");
    assertThat(HtmlToText.text("<div>first<br>\n   second</div>")).isEqualTo("first\nsecond");
  }

  @Test
  void wordsAcrossInlineTagsKeepTheirSpaces() {
    assertThat(HtmlToText.text("<p><b>bold</b> <i>italic</i>  and\n  plain</p>"))
        .isEqualTo("bold italic and plain");
  }

  @Test
  void listItemsAreDashedLines() {
    assertThat(HtmlToText.text("<p>Shopping:</p><ul><li>eggs</li><li>milk</li></ul>after"))
        .isEqualTo("Shopping:\n\n- eggs\n- milk\nafter");
  }

  @Test
  void aListItemWhoseTextIsInAParagraphStaysOnItsDashedLine() {
    // Google Docs, and HTML made from Markdown's loose lists, wrap each item's text in a <p>.
    String text = HtmlToText.text("<ul><li><p>eggs</p></li><li><div>milk</div></li></ul>");
    assertThat(text.lines().filter(l -> !l.isBlank()).toList()).containsExactly("- eggs", "- milk");
  }

  @Test
  void tableCellsAreSeparatedByTabsAndRowsByLines() {
    assertThat(HtmlToText.text(
            "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>"))
        .isEqualTo("a\tb\nc\td");
  }

  @Test
  void aLinkShowsItsAddressWhenItsTextIsSomethingElse() {
    assertThat(HtmlToText.text("see <a href=\"https://example.com/docs\">the docs</a>."))
        .isEqualTo("see the docs <https://example.com/docs>.");
    assertThat(HtmlToText.text(
            "see <a href=\"https://example.com/docs\">https://example.com/docs</a>"))
        .isEqualTo("see https://example.com/docs");
    assertThat(HtmlToText.text("see <a href=\"https://example.com/docs\">example.com/docs</a>"))
        .isEqualTo("see example.com/docs");
    assertThat(HtmlToText.text("<a href=\"mailto:bob@example.com\">Bob</a>")).isEqualTo("Bob");
  }

  @Test
  void scriptsAndStylesAreDropped() {
    assertThat(HtmlToText.text("<html><head><title>T</title><style>p { color: red }</style>"
            + "</head><body><script>alert('x')</script><p>visible</p>"
            + "<style>.x{}</style></body></html>"))
        .isEqualTo("visible");
  }

  @Test
  void gmailsQuoteIsDropped() {
    String html = "<div dir=\"ltr\">Thanks, that works.</div><br>"
        + "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, 1 Dec 2026"
        + " at 10:00, Bot &lt;bot@example.org&gt; wrote:<br></div>"
        + "<blockquote class=\"gmail_quote\" style=\"margin:0\">the earlier answer</blockquote>"
        + "</div>";
    assertThat(HtmlToText.text(html)).isEqualTo("Thanks, that works.");
  }

  @Test
  void aCitedBlockquoteIsDroppedAndAPlainOneKept() {
    assertThat(HtmlToText.text(
            "<p>Yes.</p><blockquote type=\"cite\"><p>Should I?</p></blockquote><p>Bye</p>"))
        .isEqualTo("Yes.\n\nBye");
    assertThat(HtmlToText.text("<blockquote>a saying</blockquote>")).isEqualTo("a saying");
  }

  @Test
  void outlooksReplyHeaderAndWhatFollowsItAreDropped() {
    assertThat(HtmlToText.text("<div>Reply</div><div id=\"appendonsend\"></div><hr>"
            + "<div id=\"divRplyFwdMsg\"><b>From:</b> Alice<br><b>Sent:</b> Monday</div>"
            + "<div>the earlier mail</div>"))
        .isEqualTo("Reply");
    assertThat(HtmlToText.text("<p>Reply</p><hr><div id=\"divRplyFwdMsg\"><b>From:</b> Alice</div>"
            + "<div>the earlier mail</div><blockquote type=\"cite\">older</blockquote>"))
        .isEqualTo("Reply");
  }

  @Test
  void entitiesAreDecoded() {
    assertThat(HtmlToText.text("<p>salt &amp; pepper&nbsp;&lt;3 &quot;x&quot;</p>"))
        .isEqualTo("salt & pepper <3 \"x\"");
    assertThat(HtmlToText.text("<p>a&nbsp;</p><p>&nbsp;</p><p>b</p>"))
        .doesNotContain("\u00a0")
        .isEqualTo("a\n\nb");
  }

  @Test
  void neverMoreThanOneEmptyLineInARow() {
    String text =
        HtmlToText.text("<p>a</p><br><br><br><div></div><p></p><p>b</p><br><br><br><br>c<br><br>");
    assertThat(text).isEqualTo("a\n\nb\n\nc");
    assertThat(text).doesNotContain("\n\n\n");
  }

  @Test
  void preformattedTextKeepsItsLines() {
    assertThat(HtmlToText.text("<pre>line 1\n  indented</pre>after"))
        .isEqualTo("line 1\n  indented\nafter");
  }

  @Test
  void ourOwnRepliesReadBackAsText() {
    List<String> html = EmailAdapter.REPLIES.messages(
        "**bold** and a [link](https://example.com)\n\nsecond paragraph");
    assertThat(html).hasSize(1);
    assertThat(html.getFirst()).contains("<strong>bold</strong>");
    String text = HtmlToText.text(html.getFirst());
    assertThat(text).doesNotContain("<strong>").doesNotContain("</a>");
    assertThat(text.lines().filter(l -> !l.isBlank()).toList())
        .containsExactly("bold and a link <https://example.com>", "second paragraph");
  }
}
