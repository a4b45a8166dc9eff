package dev.switchboard.platform.web;

import static dev.switchboard.text.MarkdownReplies.withoutWhitespaceAnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkdownReplies;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The web chat's HTML for any reply, cut at any limit: only the allowed elements, each closed
 * in the message that opens it, and the text a browser shows is the reply's. Visible text here
 * is what remains of the HTML without its tags, {@code <br>} as a line break and entities
 * decoded; it is compared without whitespace, which a cut may drop, and otherwise exactly.
 */
class SafeHtmlPropertiesTest {
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern ALLOWED = Pattern.compile("</?(strong|em|del|code|pre|blockquote)>"
      + "|<br>|</a>|<code class=\"language-[A-Za-z0-9_+#.-]+\">"
      + "|<a href=\"(https?://|mailto:)[^\"<>]*\" rel=\"noopener noreferrer\">");

  @Provide
  Arbitrary<String> replies() {
    return MarkdownReplies.replies();
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(200, 64_000)),
        Tuple.of(4, Arbitraries.integers().between(120, 400)));
  }

  private static List<String> messages(String markdown, int limit) {
    return new ReplyFormat(new SafeHtml(), limit, LengthUnit.UTF16, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  static String shown(String html) {
    return TAG.matcher(html.replace("<br>", "\n"))
        .replaceAll("")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  @Property(tries = 500)
  void onlyAllowedElementsEachClosedInItsMessage(
      @ForAll("replies") String md, @ForAll("limits") int limit) {
    for (String m : messages(md, limit)) {
      assertThat(m.length()).isLessThanOrEqualTo(limit);
      assertWellFormed(m);
    }
  }

  /**
   * A reply cut anywhere while it is written, as the page receives it at each update: still
   * only the allowed elements, all closed, with the mark that it is growing at the very end.
   */
  @Property(tries = 500)
  void anyPartOfAReplyBeingWrittenIsCompleteHtml(
      @ForAll("replies") String md, @ForAll @IntRange(max = 2_000) int cut) {
    String partial = md.substring(0, Math.min(cut, md.length())) + ReplyHtml.STREAMING_MARK;

    List<String> messages = new ReplyHtml(64_000).messages(partial);

    messages.forEach(SafeHtmlPropertiesTest::assertWellFormed);
    assertThat(messages.getLast()).endsWith(ReplyHtml.STREAMING_MARK);
  }

  private static void assertWellFormed(String m) {
    Deque<String> open = new ArrayDeque<>();
    Matcher tag = TAG.matcher(m);
    while (tag.find()) {
      String t = tag.group();
      assertThat(ALLOWED.matcher(t).matches()).as("%s in %s", t, m).isTrue();
      String name = t.replaceAll("[</>]", " ").strip().split(" ")[0];
      if (t.equals("<br>")) {
        continue;
      }
      if (t.startsWith("</")) {
        assertThat(open.pop()).as(m).isEqualTo(name);
      } else {
        open.push(name);
      }
    }
    assertThat(open).as(m).isEmpty();
    assertThat(TAG.matcher(m).replaceAll("")).as(m).doesNotContain("<", ">");
  }

  @Property(tries = 500)
  void theMessagesShowTheTextOfTheReply(@ForAll("replies") String md, @ForAll("limits") int limit) {
    StringBuilder shown = new StringBuilder();
    messages(md, limit).forEach(m -> shown.append(shown(m)));

    assertThat(withoutWhitespaceAnd("", shown.toString()))
        .isEqualTo(withoutWhitespaceAnd("", MarkdownParser.parse(md).text()));
  }
}
