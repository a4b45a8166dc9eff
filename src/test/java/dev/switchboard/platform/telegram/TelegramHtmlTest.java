package dev.switchboard.platform.telegram;

import static dev.switchboard.platform.telegram.TelegramReplies.htmlChunks;
import static dev.switchboard.platform.telegram.TelegramReplies.plainChunks;
import static dev.switchboard.platform.telegram.TelegramReplies.wholeHtml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.switchboard.text.HtmlText;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TelegramHtmlTest {
  private static final String GRIN = "\uD83D\uDE00"; // one emoji, two UTF-16 code units

  private String html(String markdown) {
    List<String> chunks = htmlChunks(markdown, 4096);
    assertThat(chunks).hasSize(1);
    HtmlCheck.parse(chunks.getFirst());
    return chunks.getFirst();
  }

  private List<String> chunks(String markdown, int max) {
    List<String> chunks = htmlChunks(markdown, max);
    for (String chunk : chunks) {
      assertThat(HtmlCheck.visible(chunk).length()).as(chunk).isLessThanOrEqualTo(max);
    }
    return chunks;
  }

  static Stream<Arguments> constructs() {
    return Stream.of(
        arguments("**bold**", "<b>bold</b>"),
        arguments("__bold__", "<b>bold</b>"),
        arguments("*italic*", "<i>italic</i>"),
        arguments("_italic_", "<i>italic</i>"),
        arguments("***both***", "<b><i>both</i></b>"),
        arguments("~~gone~~", "<s>gone</s>"),
        arguments("`x = 1`", "<code>x = 1</code>"),
        arguments("``a ` b``", "<code>a ` b</code>"),
        arguments("a **b *c* d** e", "a <b>b <i>c</i> d</b> e"),
        arguments("*a *b* c*", "<i>a b c</i>"),
        arguments("# Title", "<b>Title</b>"),
        arguments("### Three *deep*", "<b>Three <i>deep</i></b>"),
        arguments("#hashtag", "#hashtag"),
        arguments("[site](https://x.test/a)", "<a href=\"https://x.test/a\">site</a>"),
        arguments("[**b** t](http://x.test)", "<a href=\"http://x.test\"><b>b</b> t</a>"),
        arguments("\\*not\\* italic", "*not* italic"));
  }

  @ParameterizedTest
  @MethodSource("constructs")
  void rendersEachConstruct(String markdown, String expected) {
    assertThat(html(markdown)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "**bold",
        "bold**",
        "a * b * c",
        "~~one",
        "~single~",
        "`open",
        "[text](no-scheme)",
        "[text](ftp://x.test)",
        "[](https://x.test)",
        "[text] (https://x.test)",
        "**** x",
        "** spaced **",
        "_ spaced _",
        "2 * 3 * 4",
        ">no space"
      })
  void unmatchedOrUnsupportedMarkersAreShownAsTyped(String markdown) {
    String html = html(markdown);

    assertThat(HtmlCheck.visible(html)).isEqualTo(markdown);
    assertThat(HtmlCheck.parse(html).entities()).isEmpty();
  }

  @Test
  void snakeCaseIdentifiersAreNotItalic() {
    String md = "call snake_case_name and __init__ or my_var_ and _private_thing";

    String html = html(md);

    // CommonMark reads __init__ as bold; code belongs in backticks
    assertThat(html)
        .isEqualTo("call snake_case_name and <b>init</b> or my_var_ and _private_thing");
  }

  @Test
  void underscoresInUrlsAreNotEmphasis() {
    assertThat(html("see https://x.test/a_b_/_c_ and **https://x.test/d_e**"))
        .isEqualTo("see https://x.test/a_b_/_c_ and <b>https://x.test/d_e</b>");
    assertThat(html("[doc](https://x.test/some_page_name)"))
        .isEqualTo("<a href=\"https://x.test/some_page_name\">doc</a>");
  }

  @Test
  void escapesEverythingTheAgentWrites() {
    assertThat(html("<script>alert('x')</script> &amp; a<b & \"q\""))
        .isEqualTo("&lt;script&gt;alert('x')&lt;/script&gt; &amp;amp; a&lt;b &amp; \"q\"");
    assertThat(HtmlText.escape("<b>&</b>")).isEqualTo("&lt;b&gt;&amp;&lt;/b&gt;");
  }

  @Test
  void quotesAndAmpersandsInAUrlAreEscapedInTheAttribute() {
    String html = html("[x](https://x.test/?q=\"a\"&b=<c>)");

    assertThat(html).isEqualTo("<a href=\"https://x.test/?q=&quot;a&quot;&amp;b=&lt;c&gt;\">x</a>");
    assertThat(HtmlCheck.parse(html).entities().getFirst().attribute())
        .isEqualTo("https://x.test/?q=\"a\"&b=<c>");
  }

  @Test
  void linksMayContainBalancedParentheses() {
    assertThat(html("[w](https://x.test/A_(b)) after"))
        .isEqualTo("<a href=\"https://x.test/A_(b)\">w</a> after");
  }

  @Test
  void codeInsideFormattingDropsTheFormattingAndCodeInsideALinkIsLinkText() {
    assertThat(html("**use `x`!**")).isEqualTo("<b>use </b><code>x</code><b>!</b>");
    assertThat(html("[`x`](https://x.test)")).isEqualTo("<a href=\"https://x.test\">x</a>");
  }

  @Test
  void nothingInsideCodeIsInterpreted() {
    assertThat(html("`**a** <b> [l](https://x.test) &amp;`"))
        .isEqualTo("<code>**a** &lt;b&gt; [l](https://x.test) &amp;amp;</code>");
    assertThat(html("```\n**a** _b_ > c\n# d\n```")).isEqualTo("<pre>**a** _b_ &gt; c\n# d</pre>");
  }

  @Test
  void fencedCodeBlocksKeepTheirLanguageAndTheLinesAroundThem() {
    String md = "Run:\n```python\nif a < b and c > d:\n    print(\"&\")\n```\nDone.";

    assertThat(html(md))
        .isEqualTo("Run:\n<pre><code class=\"language-python\">"
            + "if a &lt; b and c &gt; d:\n    print(\"&amp;\")</code></pre>\nDone.");
  }

  @Test
  void oddLanguagesGiveAnUnlabelledBlockAndIndentedFencesAreDedented() {
    assertThat(html("```\"><script>\nx\n```")).isEqualTo("<pre>x</pre>");
    assertThat(html("  ```sh\n  ls -l\n    two\n  ```"))
        .isEqualTo("<pre><code class=\"language-sh\">ls -l\n  two</code></pre>");
  }

  @Test
  void anUnclosedFenceRunsToTheEnd() {
    assertThat(html("a\n```js\nlet x;\n\nmore"))
        .isEqualTo("a\n<pre><code class=\"language-js\">let x;\n\nmore</code></pre>");
  }

  @Test
  void consecutiveQuoteLinesAreOneQuote() {
    assertThat(html("> one **b**\n> two\n>\nafter\n> again"))
        .isEqualTo(
            "<blockquote>one <b>b</b>\ntwo\n</blockquote>\nafter\n<blockquote>again</blockquote>");
  }

  @Test
  void aLongCodeBlockBecomesSeveralCompleteBlocks() {
    StringBuilder code = new StringBuilder();
    for (int i = 0; code.length() < 10_000; i++) {
      code.append("int v").append(i).append(" = a < b && c > d;\n");
    }
    String body = code.toString().strip();

    List<String> chunks = chunks("```java\n" + body + "\n```", 4096);

    assertThat(chunks)
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(chunk -> assertThat(chunk)
            .startsWith("<pre><code class=\"language-java\">")
            .endsWith("</code></pre>")
            .containsOnlyOnce("<pre>"));
    assertThat(chunks.stream().map(HtmlCheck::visible).reduce("", String::concat))
        .isEqualTo(body);
    // cut at line ends: every chunk but the last ends with its line's newline
    assertThat(chunks.subList(0, chunks.size() - 1))
        .allSatisfy(chunk -> assertThat(chunk).endsWith(";\n</code></pre>"));
  }

  @Test
  void formattingThatSpansACutIsClosedAndReopened() {
    List<String> chunks = chunks("**" + "word ".repeat(10) + "end** tail", 20);

    assertThat(chunks)
        .hasSizeGreaterThan(2)
        .allSatisfy(chunk -> assertThat(chunk).startsWith("<b>"));
    assertThat(chunks.getLast()).endsWith("</b> tail");
  }

  @Test
  void textExactlyAtTheLimitIsOneChunkAndOneMoreIsTwo() {
    assertThat(chunks("**" + "a".repeat(16) + "**", 16))
        .containsExactly("<b>" + "a".repeat(16) + "</b>");
    assertThat(chunks("a&".repeat(8), 16)).containsExactly("a&amp;".repeat(8));
    assertThat(chunks("a".repeat(17), 16)).containsExactly("a".repeat(16), "a");
  }

  @Test
  void anEmojiAtTheBoundaryIsNotCutInHalf() {
    List<String> chunks = chunks("a".repeat(15) + GRIN + "b", 16);

    assertThat(chunks).containsExactly("a".repeat(15), GRIN + "b");
  }

  @Test
  void aFlagAtTheBoundaryStaysWhole() {
    String flag = "\uD83C\uDDE9\uD83C\uDDEA";

    assertThat(chunks("a".repeat(14) + flag + "b", 16)).containsExactly("a".repeat(14), flag + "b");
  }

  @Test
  void cutsAtTheLastParagraphBreakThenLineBreakThenSpaceKeepingTheWhitespace() {
    assertThat(chunks("aaaa aaaa\naaaa\n\nbb bb\nbb", 18))
        .containsExactly("aaaa aaaa\naaaa\n\n", "bb bb\nbb");
    assertThat(chunks("aaaa aaaa\naaaa aaaa bb", 18))
        .containsExactly("aaaa aaaa\n", "aaaa aaaa bb");
    assertThat(chunks("aaaa aaaa aaaa aaaa bb", 18)).containsExactly("aaaa aaaa aaaa ", "aaaa bb");
  }

  @Test
  void escapedCharactersCountOnceTowardsTheLimit() {
    List<String> chunks = chunks("<".repeat(20), 16);

    assertThat(chunks).containsExactly("&lt;".repeat(16), "&lt;".repeat(4));
  }

  @Test
  void blankRepliesGiveNoMessagesAndEdgeWhitespaceIsDropped() {
    assertThat(htmlChunks("", 16)).isEmpty();
    assertThat(htmlChunks(" \n\n\t \u200B", 16)).isEmpty();
    assertThat(htmlChunks("```\n\n```", 16)).isEmpty();
    assertThat(htmlChunks("\n\n  hi  \n", 16)).containsExactly("hi");
  }

  @Test
  void noMessageIsBlankEvenWhenTheReplyHasLongRunsOfBlankLines() {
    List<String> chunks = chunks("top" + "\n".repeat(40) + "bottom", 16);

    assertThat(chunks).allSatisfy(c -> assertThat(c.isBlank()).isFalse());
    assertThat(String.join("", chunks)).isEqualTo("top" + "\n".repeat(14) + "bottom");
  }

  @Test
  void deeplyNestedAndCrossingMarkersNeitherOverflowNorBreakTheHtml() {
    String nested = "*a ".repeat(20_000) + "b" + " c*".repeat(20_000);

    String html = wholeHtml(nested);

    assertThat(html).startsWith("<i>a a").endsWith("c c</i>");
    assertThat(HtmlCheck.visible(html)).isEqualTo(nested.replace("*", ""));
    assertThat(html("**a _b** c_")).isEqualTo("<b>a _b</b> c_");
  }

  @Test
  void aLineFullOfBracketsIsStillText() {
    String md = "[".repeat(30_000) + "x](" + "[x](https://x.test".repeat(2_000);

    assertThat(HtmlCheck.visible(wholeHtml(md))).isEqualTo(md);
  }

  @Test
  void plainChunksKeepTheMarkersAndEscapeNothing() {
    String md = "**bold** <b>&amp; `code` " + "word ".repeat(10);

    List<String> chunks = plainChunks(md, 20);

    assertThat(String.join("", chunks)).isEqualTo(md.strip());
    assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(20));
    assertThat(chunks.getFirst()).isEqualTo("**bold** <b>&amp; ");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 2})
  void limitsBelowThreeAreRejected(int max) {
    assertThatThrownBy(() -> htmlChunks("x", max))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 3: " + max);
    assertThatThrownBy(() -> plainChunks("x", max)).isInstanceOf(IllegalArgumentException.class);
  }
}
