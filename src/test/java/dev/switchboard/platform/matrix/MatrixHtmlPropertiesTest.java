package dev.switchboard.platform.matrix;

import static dev.switchboard.text.MarkdownReplies.withoutWhitespaceAnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.MarkdownReplies;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Matrix messages for any reply: none over the limit, and the bodies (the text the HTML shows)
 * together read as the reply does, whitespace and the markers our parser keeps where CommonMark
 * would style aside (as in the Discord properties).
 */
class MatrixHtmlPropertiesTest {
  @Provide
  Arbitrary<String> replies() {
    return MarkdownReplies.replies();
  }

  @Property(tries = 400)
  void noMessageIsOverTheLimit(@ForAll("replies") String md) {
    assertThat(MatrixHtml.REPLIES.messages(md))
        .allSatisfy(m -> assertThat(m.codePointCount(0, m.length()))
            .isLessThanOrEqualTo(MatrixHtml.MAX_MESSAGE));
  }

  @Property(tries = 400)
  void theBodiesShowTheTextOfTheReply(@ForAll("replies") String md) {
    StringBuilder shown = new StringBuilder();
    MatrixHtml.REPLIES.messages(md).forEach(m -> shown.append(MatrixHtml.plain(m)));
    assertThat(withoutWhitespaceAnd("*_~`", shown.toString()))
        .isEqualTo(withoutWhitespaceAnd("*_~`", MarkdownParser.parse(md).text()));
  }
}
