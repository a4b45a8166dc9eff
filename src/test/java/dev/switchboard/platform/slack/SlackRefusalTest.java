package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.InMemoryStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A reply Slack refuses with HTTP 200 {"ok": false, "error": "msg_too_long"}, through the
 * gateway's delivery and the adapter against the fake: the user gets the whole answer in smaller
 * messages, a piece refused again as plain text (mrkdwn off), or one notice with Slack's reason.
 */
class SlackRefusalTest {
  private static final String BOT = "xoxb-1-fake-bot-token";
  private static final String APP = "xapp-1-A1-fake-app-token";
  private static final ChatRef CHAT = new ChatRef("slack", "D1", null);
  private static final InboundMessage ASKED = new InboundMessage(
      CHAT, "1764300000.000001", new Sender("U1", "ann"), "tell me", false, Instant.now());
  private static final String ANSWER = "Here is *the answer*, in two paragraphs.\n\n"
      + "The first one says that a refused message must not vanish. ".repeat(4)
      + "\n\nThe second one has `code` in it & ends the answer. ".repeat(2);

  private FakeSlackServer slack;
  private SlackAdapter adapter;
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> refusedOn = new CopyOnWriteArrayList<>();
  private final DeliveryEvents events = new DeliveryEvents() {
    @Override
    public void refused(String platform) {
      refusedOn.add(platform);
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    slack = new FakeSlackServer(BOT, APP);
    adapter = new SlackAdapter(
        new SlackSettings(
            BOT,
            APP,
            URI.create(slack.apiBase()),
            URI.create(slack.filesBase()),
            Duration.ofSeconds(1)),
        Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    slack.close();
  }

  /** A process's delivery; a second one over the same store is the process after a restart. */
  private Delivery delivery() {
    return new Delivery(
        new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system(), events);
  }

  private List<String> shown() {
    return slack.posted("D1").stream().map(FakeSlackServer.Posted::text).toList();
  }

  private static String[] words(String text) {
    return text.strip().split("\\s+");
  }

  @Test
  void aReplyTooLongForSlackArrivesWholeInSmallerMessages() {
    List<String> rendered = adapter.render(ANSWER);
    assertThat(rendered).singleElement().satisfies(r -> assertThat(r).hasSizeGreaterThan(300));
    slack.textLimit(300);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    assertThat(shown())
        .hasSizeGreaterThan(1)
        .allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(300));
    assertThat(words(String.join(" ", shown()))).containsExactly(words(rendered.getFirst()));
    assertThat(refusedOn).containsExactly("slack");
  }

  @Test
  void aPieceRefusedAgainGoesWithMrkdwnOff() {
    slack.refuseNextPosts(2, "invalid_blocks");

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    List<JsonNode> posts = slack.postArguments();
    assertThat(posts).hasSizeGreaterThan(1);
    assertThat(posts.getFirst().path("mrkdwn").asBoolean(true)).as("plain").isFalse();
    assertThat(posts.subList(1, posts.size()))
        .allSatisfy(p -> assertThat(p.has("mrkdwn")).isFalse());
    String rendered = adapter.render(ANSWER).getFirst();
    assertThat(words(String.join(" ", shown()))).containsExactly(words(rendered));
    assertThat(refusedOn).containsExactly("slack");
  }

  @Test
  void whenEveryFormIsRefusedTheUserIsToldWhyOnceAndNothingIsSentAgainAfterARestart() {
    slack.refuseNextPosts(3, "msg_too_long");

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();

    assertThat(shown())
        .containsExactly("\u26a0\ufe0f This answer could not be delivered in full: Slack refused"
            + " it (msg_too_long).");
    assertThat(refusedOn).containsExactly("slack");

    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();

    assertThat(shown()).hasSize(1);
    assertThat(refusedOn).hasSize(1);
  }
}
