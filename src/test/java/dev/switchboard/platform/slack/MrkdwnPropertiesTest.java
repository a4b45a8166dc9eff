package dev.switchboard.platform.slack;

import static dev.switchboard.text.MarkdownReplies.withoutWhitespaceAnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkdownReplies;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Slack's messages for any reply and limit. The text Slack shows of a message is read the way
 * its formatting guide describes: {@code <url|text>} shows text, the three entities are
 * decoded, the markers go. A literal {@code *} cannot be told from a marker without Slack's
 * own parser, so the comparison leaves out {@code * _ ~ `} and {@code >} (markers, or the quote
 * mark) along with whitespace, which a cut may drop; everything else must be there, in order.
 */
class MrkdwnPropertiesTest {
  private static final Pattern LINK = Pattern.compile("<[^|>]*\\|([^>]*)>");
  private static final String MARKERS = "*_~`>";

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
        Tuple.of(3, Arbitraries.of(60, 500, 4000)),
        Tuple.of(4, Arbitraries.integers().between(40, 160)));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new Mrkdwn(), limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  private static String decode(String text) {
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  static String shown(String mrkdwn) {
    return decode(LINK.matcher(mrkdwn).replaceAll(m -> m.group(1).replace("$", "\\$")));
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
    messages(md, limit).forEach(m -> shown.append(shown(m)));

    assertThat(withoutWhitespaceAnd(MARKERS, shown.toString()))
        .isEqualTo(withoutWhitespaceAnd(MARKERS, MarkdownParser.parse(md).text()));
  }

  @Property(tries = 500)
  void nothingTheAgentWritesBecomesSlackMarkup(
      @ForAll("replies") String md, @ForAll("limits") int limit) {
    for (String m : messages(md, limit)) {
      String quoteMarksGone = m.replaceAll("(?m)^> ", "");
      assertThat(LINK.matcher(quoteMarksGone).replaceAll("")).as(m).doesNotContain("<", ">");
    }
  }

  @Property(tries = 300)
  void aCodeBlockIsClosedInEveryMessageAndReopenedInTheNext(
      @ForAll("codeReplies") String md, @ForAll("limits") int limit) {
    String code = codeOf(MarkdownParser.parse(md));
    StringBuilder shownCode = new StringBuilder();
    for (String m : messages(md, limit)) {
      assertThat(m.split("```", -1).length % 2).as("an open fence in: %s", m).isEqualTo(1);
      shownCode.append(decode(codeOf(MarkdownParser.parse(m))));
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
