package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.testing.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reply Discord refuses with HTTP 400 {"code": 50035, "message": "Invalid Form Body",
 * "errors": {"content": ...}}, through the gateway's delivery and the adapter against the fake:
 * the user gets the whole answer in smaller messages, or one notice with Discord's reason.
 */
class DiscordRefusalTest {
  private static final String TOKEN = "MTA5.fake-adapter-token.abc";
  private static final ChatRef CHAT = ChatRef.of("discord", "dm-1");
  private static final InboundMessage ASKED =
      new InboundMessage(CHAT, "501", new Sender("u1", "ada"), "tell me", false, Instant.now());
  private static final String ANSWER = "Here is **the answer**, in two paragraphs.\n\n"
      + "The first one says that a refused message must not vanish. ".repeat(4)
      + "\n\nThe second one has `code` in it and ends the answer. ".repeat(2);

  private FakeDiscordServer discord;
  private DiscordAdapter adapter;
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
    discord = new FakeDiscordServer(TOKEN);
    adapter = new DiscordAdapter(
        new DiscordSettings(
            TOKEN, discord.apiBase(), discord.cdnBase(), Set.of(), Duration.ofSeconds(1)),
        "test",
        Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    discord.close();
  }

  /** A process's delivery; a second one over the same store is the process after a restart. */
  private Delivery delivery() {
    return new Delivery(
        new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system(), events);
  }

  private List<String> shown() {
    return discord.sent("dm-1").stream()
        .map(FakeDiscordServer.SentMessage::content)
        .toList();
  }

  private static String[] words(String text) {
    return text.strip().split("\\s+");
  }

  @Test
  void aReplyTooLongForDiscordArrivesWholeInSmallerMessages() {
    List<String> rendered = adapter.render(ANSWER);
    assertThat(rendered).singleElement().satisfies(r -> assertThat(r).hasSizeGreaterThan(300));
    discord.contentLimit(300);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    assertThat(shown())
        .hasSizeGreaterThan(1)
        .allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(300));
    assertThat(words(String.join(" ", shown()))).containsExactly(words(rendered.getFirst()));
    assertThat(refusedOn).containsExactly("discord");
  }

  @Test
  void whenEveryFormIsRefusedTheUserIsToldWhyOnceAndNothingIsSentAgainAfterARestart() {
    discord.refuseNextMessages(3);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();

    assertThat(shown())
        .containsExactly("\u26a0\ufe0f This answer could not be delivered in full: Discord refused"
            + " it (Invalid Form Body: content: Must be 2000 or fewer in length.).");
    assertThat(refusedOn).containsExactly("discord");

    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();

    assertThat(shown()).hasSize(1);
    assertThat(refusedOn).hasSize(1);
  }
}
