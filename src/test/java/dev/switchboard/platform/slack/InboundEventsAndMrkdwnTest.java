package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.text.MarkdownParser;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InboundEventsAndMrkdwnTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final InboundEvents events = new InboundEvents();

  private static String mrkdwn(String markdown) {
    return new Mrkdwn().render(MarkdownParser.parse(markdown));
  }

  private static JsonNode callback(String event) {
    return JSON.readTree(
        "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":" + event + "}");
  }

  @Test
  void botsEditsAndChannelMessagesWithoutAMentionAreNotForTheBot() {
    Instant now = Instant.now();
    assertThat(events.from(
            callback(
                "{\"type\":\"message\",\"channel_type\":\"im\","
                    + "\"channel\":\"D1\",\"user\":\"U1\",\"bot_id\":\"B2\",\"text\":\"x\",\"ts\":\"1.1\"}"),
            "UBOT",
            now))
        .isEmpty();
    assertThat(events.from(
            callback("{\"type\":\"message\",\"subtype\":\"message_changed\","
                + "\"channel_type\":\"im\",\"channel\":\"D1\",\"user\":\"U1\",\"text\":\"x\","
                + "\"ts\":\"1.1\"}"),
            "UBOT",
            now))
        .isEmpty();
    assertThat(events.from(
            callback("{\"type\":\"message\",\"channel_type\":\"channel\","
                + "\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"x\",\"ts\":\"1.1\"}"),
            "UBOT",
            now))
        .isEmpty();
    assertThat(events.from(
            callback("{\"type\":\"message\",\"channel_type\":\"im\","
                + "\"channel\":\"D1\",\"user\":\"UBOT\",\"text\":\"x\",\"ts\":\"1.1\"}"),
            "UBOT",
            now))
        .isEmpty();
  }

  @Test
  void aMentionInAThreadIsAnsweredInThatThread() {
    var m = events
        .from(
            callback("{\"type\":\"app_mention\",\"channel\":\"C1\",\"user\":\"U1\","
                + "\"text\":\"<@UBOT> status please\",\"ts\":\"2.2\",\"thread_ts\":\"1.1\"}"),
            "UBOT",
            Instant.now())
        .orElseThrow();
    assertThat(m.chat().threadId()).isEqualTo("1.1");
    assertThat(m.text()).isEqualTo("status please");
    assertThat(m.messageId()).isEqualTo("2.2");
  }

  @Test
  void markdownBecomesMrkdwnAndControlCharactersAreEscaped() {
    assertThat(mrkdwn("**bold** ~~gone~~ [docs](https://x.io/a?b=1) 1 < 2 & 3 > 2"))
        .isEqualTo("*bold* ~gone~ <https://x.io/a?b=1|docs> 1 &lt; 2 &amp; 3 &gt; 2");
    assertThat(mrkdwn("# Title\ntext")).isEqualTo("*Title*\ntext");
    assertThat(mrkdwn("use `a **b** <c>` and\n```\n**x** < y\n```"))
        .isEqualTo("use `a **b** &lt;c&gt;` and\n```\n**x** &lt; y\n```");
  }

  @Test
  void aLongReplyIsSplitBetweenParagraphsAndEveryPartIsEscaped() {
    String paragraph = "**" + "a".repeat(900) + "** <!channel> & more";
    java.util.List<String> parts = SlackAdapter.REPLIES.messages(
        String.join("\n\n", java.util.Collections.nCopies(10, paragraph)));
    assertThat(parts.size()).isGreaterThan(1);
    assertThat(parts).allSatisfy(p -> {
      assertThat(p.length()).isLessThanOrEqualTo(4000);
      assertThat(p).doesNotContain("<!channel>").doesNotContain("**");
    });
    assertThat(String.join("", parts).replaceAll("\\s", ""))
        .isEqualTo(mrkdwn(String.join("\n\n", java.util.Collections.nCopies(10, paragraph)))
            .replaceAll("\\s", ""));
  }
}
