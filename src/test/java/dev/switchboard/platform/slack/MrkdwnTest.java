package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;
import org.junit.jupiter.api.Test;

class MrkdwnTest {
  private static String mrkdwn(String markdown) {
    return new Mrkdwn().render(MarkdownParser.parse(markdown));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new Mrkdwn(), limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  @Test
  void italicsAreUnderscoresBecauseSlackShowsStarsAsBold() {
    assertThat(mrkdwn("*italic*")).isEqualTo("_italic_");
    assertThat(mrkdwn("_italic_")).isEqualTo("_italic_");
    assertThat(mrkdwn("**bold**")).isEqualTo("*bold*");
    assertThat(mrkdwn("__bold__")).isEqualTo("*bold*");
    assertThat(mrkdwn("***both*** and **a *b* c**")).isEqualTo("*_both_* and *a _b_ c*");
  }

  @Test
  void whitespaceAtTheEdgeOfAStyleGoesOutsideItsMarkers() {
    assertThat(mrkdwn("**use `x`!**")).isEqualTo("*use* `x`*!*");
  }

  @Test
  void quoteLinesKeepTheirMarkerAndOnlyTextIsEscaped() {
    assertThat(mrkdwn("> 1 < 2 **b**\n> more\nafter")).isEqualTo("> 1 &lt; 2 *b*\n> more\nafter");
  }

  @Test
  void linksAreSlackLinksAndTheirAddressCannotEndTheLinkEarly() {
    assertThat(mrkdwn("[a | b](https://x.test/?q=a|b&c=<d>)"))
        .isEqualTo("<https://x.test/?q=a%7Cb&amp;c=&lt;d&gt;|a | b>");
  }

  @Test
  void codeBlocksLoseTheLanguageSlackWouldShowAsCode() {
    assertThat(mrkdwn("```python\nx = 1 < 2\n```")).isEqualTo("```\nx = 1 &lt; 2\n```");
  }

  @Test
  void aCodeBlockCutAcrossTwoMessagesIsClosedAndReopened() {
    String code = "alpha();\nbeta();\ngamma();\ndelta();";

    List<String> parts = messages("Then:\n```js\n" + code + "\n```\nok", 30);

    assertThat(parts)
        .containsExactly(
            "Then:\n```\nalpha();\n```", "```\nbeta();\ngamma();\n```", "```\ndelta();\n```\nok");
  }

  @Test
  void theLimitCountsTheEscapesSlackReceives() {
    List<String> parts = messages("<".repeat(20), 25);

    assertThat(parts)
        .containsExactly("&lt;".repeat(6), "&lt;".repeat(6), "&lt;".repeat(6), "&lt;".repeat(2));
  }
}
