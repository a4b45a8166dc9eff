package dev.switchboard.platform.whatsapp;

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
 * WhatsApp's messages for any reply and limit. WhatsApp has no escapes, so a literal {@code *}
 * cannot be told from a marker; the comparison leaves out {@code * _ ~ `} and {@code >} along
 * with whitespace (which a cut may drop), and the URL a link adds after its text. Everything
 * else the reply shows must be there, in order.
 */
class WhatsAppMarkupPropertiesTest {
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
        Tuple.of(3, Arbitraries.of(60, 500, 4096)),
        Tuple.of(4, Arbitraries.integers().between(40, 160)));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new WhatsAppMarkup(), limit, LengthUnit.UTF16, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  @Property(tries = 500)
  void noMessageIsOverTheLimit(@ForAll("replies") String md, @ForAll("limits") int limit) {
    assertThat(messages(md, limit))
        .allSatisfy(m -> assertThat(m.length()).as(m).isLessThanOrEqualTo(limit));
  }

  @Property(tries = 500)
  void theMessagesShowTheTextOfTheReply(@ForAll("replies") String md, @ForAll("limits") int limit) {
    StyledText doc = MarkdownParser.parse(md);
    String shown = withoutWhitespaceAnd(MARKERS, String.join("", messages(md, limit)));
    String text = withoutWhitespaceAnd(MARKERS, doc.text());
    if (doc.spans().stream().allMatch(s -> s.format().href() == null)) {
      assertThat(shown).isEqualTo(text);
    } else {
      // A link adds its URL after its text (again in the next message when a cut splits it).
      assertThat(missingFrom(shown, text)).as(shown).isEqualTo(-1);
    }
  }

  /** Where {@code text} stops being a subsequence of {@code shown}; -1 when all of it is. */
  private static int missingFrom(String shown, String text) {
    int at = 0;
    for (int i = 0; i < text.length(); i++) {
      at = shown.indexOf(text.charAt(i), at);
      if (at < 0) {
        return i;
      }
      at++;
    }
    return -1;
  }

  @Property(tries = 300)
  void aCodeBlockIsClosedInEveryMessage(
      @ForAll("codeReplies") String md, @ForAll("limits") int limit) {
    for (String m : messages(md, limit)) {
      assertThat(m.split("```", -1).length % 2).as("an open fence in: %s", m).isEqualTo(1);
    }
  }
}
