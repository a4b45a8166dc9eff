package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The web chat's replies as the page receives them: SafeHtml through the reply pipeline. */
class ReplyHtmlTest {
  private static final String MARK = ReplyHtml.STREAMING_MARK;
  private final ReplyHtml replies = new ReplyHtml(64_000);

  @Test
  void boldAListALinkAndACodeBlockBecomeTheirElements() {
    String reply = "**Steps**, see [the docs](https://docs.example/a?b=1&c=2):\n"
        + "- one\n"
        + "- two\n"
        + "```sh\n"
        + "echo \"<hi>\" && ls\n"
        + "```\n"
        + "done";

    assertThat(replies.messages(reply))
        .containsExactly("<strong>Steps</strong>, see "
            + "<a href=\"https://docs.example/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">"
            + "the docs</a>:<br>"
            + "- one<br>"
            + "- two<br>"
            + "<pre><code class=\"language-sh\">echo &quot;&lt;hi&gt;&quot; &amp;&amp; ls"
            + "</code></pre><br>"
            + "done");
  }

  @Test
  void htmlTheAgentWritesIsText() {
    assertThat(replies.messages("<img src=x onerror=alert(1)>"))
        .containsExactly("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(replies.messages("[click](javascript:alert(1)) <a href=\"javascript:x\">a</a>"))
        .containsExactly(
            "[click](javascript:alert(1)) " + "&lt;a href=&quot;javascript:x&quot;&gt;a&lt;/a&gt;");
  }

  @Test
  void aReplyBeingWrittenKeepsTheMarkAtTheEndOutsideItsElements() {
    assertThat(replies.messages("**half-bold" + MARK)).containsExactly("**half-bold" + MARK);
    assertThat(replies.messages("Run:\n```py\nprint(1)" + MARK))
        .containsExactly("Run:<br><pre><code class=\"language-py\">print(1)</code></pre>" + MARK);
    assertThat(replies.messages("> quoted" + MARK))
        .containsExactly("<blockquote>quoted</blockquote>" + MARK);
    assertThat(replies.messages(MARK)).containsExactly(MARK);
  }

  @Test
  void aBlankReplyIsStillOneMessage() {
    // Never none: the gateway would then send the reply's own text, which the page would take
    // for HTML.
    assertThat(replies.messages("")).containsExactly("");
  }

  @Test
  void aLongReplyIsCutIntoCompleteMessagesWithinTheLimit() {
    String reply = "```java\n" + "int x = 1 < 2;\n".repeat(40) + "```" + MARK;

    List<String> messages = new ReplyHtml(200).messages(reply);

    assertThat(messages).hasSizeGreaterThan(1);
    assertThat(messages)
        .allSatisfy(m -> assertThat(m)
            .hasSizeLessThanOrEqualTo(200)
            .startsWith("<pre><code class=\"language-java\">")
            .contains("</code></pre>"));
    assertThat(messages.getLast()).endsWith("</code></pre>" + MARK);
    assertThat(messages.subList(0, messages.size() - 1)).noneMatch(m -> m.endsWith(MARK));
  }
}
