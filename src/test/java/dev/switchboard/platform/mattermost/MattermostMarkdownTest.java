package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Replies as Mattermost shows them: its own Markdown, channel-wide mentions kept quiet. */
class MattermostMarkdownTest {
  private static String render(String markdown) {
    return String.join("\n---\n", MattermostAdapter.REPLIES.messages(markdown));
  }

  @Test
  void theAgentsMarkdownPassesThroughInMattermostsSpelling() {
    assertThat(render("**bold**, __strong__, _it_ and ~~gone~~ [link](https://example.com)"))
        .isEqualTo("**bold**, **strong**, *it* and ~~gone~~ [link](https://example.com)");
    assertThat(render("```python\nprint('hi')\n```")).isEqualTo("```python\nprint('hi')\n```");
  }

  @Test
  void channelWideMentionsGetAZeroWidthSpaceSoTheyPingNoOne() {
    assertThat(render("Hey @channel, @ALL and @here: read this"))
        .isEqualTo("Hey @\u200Bchannel, @\u200BALL and @\u200Bhere: read this");
  }

  @Test
  void personalMentionsAddressesAndCodeAreLeftAsWritten() {
    assertThat(render("ask @alice or mail ops@channel.example, or `@channel` in code"))
        .isEqualTo("ask @alice or mail ops@channel.example, or `@channel` in code");
    assertThat(render("@channels and @alliance are other names"))
        .isEqualTo("@channels and @alliance are other names");
    assertThat(render("@all-hands could be read as @all")).startsWith("@\u200Ball-hands");
  }

  @Test
  void aLongReplyIsSplitIntoPostsMattermostTakes() {
    String reply = "word ".repeat(5000);
    assertThat(MattermostAdapter.REPLIES.messages(reply))
        .hasSizeGreaterThan(1)
        .allSatisfy(m -> assertThat(m.codePointCount(0, m.length()))
            .isLessThanOrEqualTo(MattermostAdapter.MAX_MESSAGE));
  }
}
