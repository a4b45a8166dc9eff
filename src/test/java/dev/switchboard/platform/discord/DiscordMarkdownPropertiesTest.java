package dev.switchboard.platform.discord;

import static dev.switchboard.text.MarkdownReplies.withoutWhitespaceAnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.CommonMark;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkdownReplies;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Discord's messages for any reply and limit. Discord renders the Markdown itself, so what it
 * shows is read here with the parser that read the agent's reply. The visible text compared
 * is that reading without whitespace (a cut drops the whitespace it falls on) and without
 * {@code * _ ~ `}: where closing markers meet ({@code **a *b***}) Discord, like CommonMark,
 * splits the run and styles the text, while our parser pairs only runs of equal length and
 * shows the stars; nothing else is left out, so a lost, doubled or reordered character, a
 * leaked escape or link address, is caught.
 */
class DiscordMarkdownPropertiesTest {
  private static final String MARKERS = "*_~`";

  @Provide
  Arbitrary<String> replies() {
    return MarkdownReplies.replies();
  }

  @Provide
  Arbitrary<String> codeReplies() {
    return MarkdownReplies.aroundALongCodeBlock();
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(60, 500, 2000)),
        Tuple.of(4, Arbitraries.integers().between(40, 160)));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new CommonMark(), limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  @Property(tries = 500)
  void noMessageIsOverTheLimitInCharacters(
      @ForAll("replies") String md, @ForAll("limits") int limit) {
    assertThat(messages(md, limit))
        .allSatisfy(
            m -> assertThat(m.codePointCount(0, m.length())).as(m).isLessThanOrEqualTo(limit));
  }

  @Property(tries = 500)
  void theMessagesShowTheTextOfTheReply(@ForAll("replies") String md, @ForAll("limits") int limit) {
    StringBuilder shown = new StringBuilder();
    messages(md, limit).forEach(m -> shown.append(MarkdownParser.parse(m).text()));

    assertThat(withoutWhitespaceAnd(MARKERS, shown.toString()))
        .isEqualTo(withoutWhitespaceAnd(MARKERS, MarkdownParser.parse(md).text()));
  }

  @Property(tries = 500)
  void noMessageSplitsASurrogatePair(@ForAll("replies") String md, @ForAll("limits") int limit) {
    assertThat(messages(md, limit)).allSatisfy(m -> {
      if (!m.isEmpty()) {
        assertThat(Character.isLowSurrogate(m.charAt(0))).as(m).isFalse();
        assertThat(Character.isHighSurrogate(m.charAt(m.length() - 1))).as(m).isFalse();
      }
    });
  }

  @Property(tries = 300)
  void aCodeBlockIsClosedInEveryMessageAndReopenedWithItsLanguage(
      @ForAll("codeReplies") String md, @ForAll("limits") int limit) {
    String code = codeOf(MarkdownParser.parse(md));
    StringBuilder shownCode = new StringBuilder();
    for (String m : messages(md, limit)) {
      long fences = m.lines().filter(line -> line.startsWith("```")).count();
      assertThat(fences % 2).as("an open fence in: %s", m).isZero();
      StyledText read = MarkdownParser.parse(m);
      read.spans().stream()
          .filter(s -> s.format().pre() != null)
          .forEach(s -> assertThat(s.format().pre()).as(m).isEqualTo("js"));
      shownCode.append(codeOf(read));
    }

    assertThat(withoutWhitespaceAnd("", shownCode.toString()))
        .isEqualTo(withoutWhitespaceAnd("", code));
  }

  private static String codeOf(StyledText doc) {
    StringBuilder code = new StringBuilder();
    doc.spans().stream()
        .filter(s -> s.format().pre() != null)
        .forEach(s -> code.append(s.of(doc.text())));
    return code.toString();
  }
}
