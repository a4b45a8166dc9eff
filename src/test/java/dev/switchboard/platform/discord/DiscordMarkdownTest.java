package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.CommonMark;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscordMarkdownTest {
  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new CommonMark(), limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  private static String whole(String markdown) {
    List<String> messages = DiscordAdapter.REPLIES.messages(markdown);
    assertThat(messages).hasSize(1);
    return messages.getFirst();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "**bold** *italic* ~~gone~~ `code` [site](https://x.test/a_b)",
        "- one\n- two\n\n1. first\n2. second",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "> quoted **words**\n> and more",
        "Run:\n```python\nif a < b:\n    print(\"**\")\n```\nDone.",
        "snake_case_name and 2 * 3 * 4, a <b> & c, @everyone",
        "***both*** and ``a ` b``"
      })
  void markdownDiscordShowsAsTheAgentMeantPassesThrough(String markdown) {
    assertThat(whole(markdown)).isEqualTo(markdown);
  }

  @Test
  void stylesDiscordReadsDifferentlyAreWrittenTheWayItReadsThem() {
    assertThat(whole("__bold__ and _italic_")).isEqualTo("**bold** and *italic*");
    assertThat(whole("# Title\n## Sub *it*")).isEqualTo("**Title**\n**Sub *it***");
  }

  @Test
  void literalMarkersStayLiteral() {
    assertThat(whole("\\*not\\* italic")).isEqualTo("\\*not\\* italic");
    assertThat(whole("**unclosed and ~~this")).isEqualTo("**unclosed and ~~this");
  }

  @Test
  void aCodeBlockCutAcrossTwoMessagesIsClosedAndReopenedWithItsLanguage() {
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      code.append("let v").append(i).append(" = a * b_c;\n");
    }
    String body = code.toString().strip();

    List<String> parts = messages("Here:\n```js\n" + body + "\n```\nThat is all.", 100);

    assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
    assertThat(parts.getFirst()).startsWith("Here:\n```js\nlet v0 = a * b_c;\n");
    assertThat(parts.subList(1, parts.size()))
        .allSatisfy(p -> assertThat(p).startsWith("```js\nlet v"));
    assertThat(parts.subList(0, parts.size() - 1))
        .allSatisfy(p -> assertThat(p).endsWith(" = a * b_c;\n```"));
    assertThat(parts.getLast()).endsWith(" = a * b_c;\n```\nThat is all.");
    assertThat(String.join("\n", parts)
            .replaceAll("```js|```|Here:|That is all.", "")
            .replaceAll("\\s", ""))
        .isEqualTo(body.replaceAll("\\s", ""));
  }

  @Test
  void aStyleCutAcrossTwoMessagesIsClosedAndReopened() {
    List<String> parts = messages("**" + "word ".repeat(10) + "end**", 24);

    assertThat(parts)
        .hasSizeGreaterThan(2)
        .allSatisfy(
            p -> assertThat(p).startsWith("**").endsWith("**").hasSizeLessThanOrEqualTo(24));
  }

  @Test
  void theLimitCountsCharactersNotUtf16Units() {
    String grin = "\uD83D\uDE00";

    List<String> parts = messages(grin.repeat(30), 20);

    assertThat(parts).containsExactly(grin.repeat(20), grin.repeat(10));
  }

  @Test
  void aUrlTheAgentEndedWithABackslashStaysApartFromTheLinkAfterIt() {
    String md = "https://x.test/a_b\\*c[link](https://y.test)";

    String sent = whole(md);

    assertThat(MarkdownParser.parse(sent)).isEqualTo(MarkdownParser.parse(md));
  }
}
