package dev.switchboard.platform.mattermost;

import static dev.switchboard.text.MarkdownReplies.withoutWhitespaceAnd;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Mattermost's posts for any reply and limit, read back with the parser that read the agent's
 * reply (Mattermost renders the Markdown itself), as for Discord; the zero-width spaces that
 * keep {@code @channel} from pinging are the one addition, and are taken out before comparing.
 */
class MattermostMarkdownPropertiesTest {
  private static final String MARKERS = "*_~`";

  @Provide
  Arbitrary<String> replies() {
    return Arbitraries.oneOf(
        MarkdownReplies.replies(),
        MarkdownReplies.replies().map(r -> r.replace("a", "@all ").replace("c", "@channel")));
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(60, 500, 2000)),
        Tuple.of(4, Arbitraries.integers().between(40, 160)));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(
            MattermostMarkdown.RENDERER, limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  @Property(tries = 500)
  void noPostIsOverTheLimitInCharacters(@ForAll("replies") String md, @ForAll("limits") int limit) {
    assertThat(messages(md, limit))
        .allSatisfy(
            m -> assertThat(m.codePointCount(0, m.length())).as(m).isLessThanOrEqualTo(limit));
  }

  @Property(tries = 500)
  void thePostsShowTheTextOfTheReply(@ForAll("replies") String md, @ForAll("limits") int limit) {
    StringBuilder shown = new StringBuilder();
    messages(md, limit).forEach(m -> shown.append(MarkdownParser.parse(m).text()));

    assertThat(withoutWhitespaceAnd(MARKERS, shown.toString().replace("@\u200B", "@")))
        .isEqualTo(withoutWhitespaceAnd(MARKERS, MarkdownParser.parse(md).text()));
  }

  @Property(tries = 300)
  void noPostPingsTheWholeChannelOutsideCode(@ForAll("replies") String md) {
    for (String m : messages(md, 2000)) {
      StyledText read = MarkdownParser.parse(m);
      StringBuilder outsideCode = new StringBuilder(read.text());
      read.spans().stream()
          .filter(s -> s.format().code() || s.format().pre() != null)
          .forEach(s -> {
            for (int i = s.start(); i < s.end(); i++) {
              outsideCode.setCharAt(i, ' ');
            }
          });
      assertThat(outsideCode.toString())
          .as(m)
          .doesNotContainPattern("(?<![\\w@])@(channel|all|here)\\b");
    }
  }
}
