package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.whatsapp.fake.FakeGraphApi;
import dev.switchboard.platform.whatsapp.fake.GraphCall;
import dev.switchboard.platform.whatsapp.fake.SentMessage;
import dev.switchboard.testing.InMemoryStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply Meta refuses as sent ({@code {"error": {"code": 100, "error_data": {"details":
 * ...}}}}), through the gateway's delivery and the adapter against the fake Cloud API: the user
 * gets the whole answer in smaller messages, or one notice with Meta's reason.
 */
class WhatsAppRefusalTest {
  private static final String ADA = "15550100100";
  private static final ChatRef CHAT = ChatRef.of("whatsapp", ADA);
  private static final InboundMessage ASKED = new InboundMessage(
      CHAT, "wamid.asked", new Sender(ADA, "Ada"), "tell me", false, Instant.now());
  private static final String DETAILS = "Param text['body'] is not valid";
  private static final String ANSWER = "Here is **the answer**, in three paragraphs.\n\n"
      + "The first one says that a refused message must not vanish: ".repeat(4)
      + "\n\nThe second one has `code` and a [link](https://example.com/a?b=c&d=e) in it. "
          .repeat(3)
      + "\n\nAnd the third one ends it, with <angle brackets> & an ampersand.";

  private final FakeGraphApi meta = FakeGraphApi.start(
      WhatsAppTesting.TOKEN, WhatsAppTesting.PHONE_ID, WhatsAppTesting.APP_SECRET);
  private final WhatsAppAdapter adapter = new WhatsAppAdapter(
      WhatsAppTesting.settings(
          Map.<ConfigKey<?>, Object>of(WhatsAppSettings.API_URL, meta.baseUrl())),
      TrustedProxies.none());
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> refusedOn = new CopyOnWriteArrayList<>();
  private final DeliveryEvents events = new DeliveryEvents() {
    @Override
    public void refused(String platform) {
      refusedOn.add(platform);
    }
  };

  WhatsAppRefusalTest() throws Exception {}

  @AfterEach
  void tearDown() {
    adapter.close();
    meta.close();
  }

  private Delivery delivery() {
    return new Delivery(
        new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system(), events);
  }

  private List<GraphCall> sends() {
    return meta.calls().stream().filter(c -> c.path().endsWith("/messages")).toList();
  }

  private static String[] words(String text) {
    return text.strip().split("\\s+");
  }

  @Test
  void aRefusedReplyArrivesWholeInSmallerMessages() {
    String rendered = String.join(" ", adapter.render(ANSWER));
    meta.failNext("messages", 400, 100, 2494010, "(#100) Invalid parameter", DETAILS);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    List<SentMessage> shown = meta.messages(ADA);
    assertThat(shown).hasSizeGreaterThan(1);
    String together = String.join(" ", shown.stream().map(SentMessage::text).toList());
    assertThat(words(together)).containsExactly(words(rendered));
    assertThat(sends().getFirst().httpStatus()).isEqualTo(400);
    assertThat(refusedOn).containsExactly("whatsapp");
  }

  @Test
  void whenEveryFormIsRefusedTheUserIsToldWhyOnce() {
    meta.failNext("messages", 400, 100, 2494010, "(#100) Invalid parameter", DETAILS);
    meta.failNext("messages", 400, 100, 2494010, "(#100) Invalid parameter", DETAILS);
    meta.failNext("messages", 400, 131009, 0, "(#131009) Parameter value is not valid", DETAILS);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();

    assertThat(meta.messages(ADA))
        .singleElement()
        .satisfies(
            m -> assertThat(m.text()).contains("could not be delivered in full").contains(DETAILS));
    assertThat(refusedOn).containsExactly("whatsapp");
    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();
    assertThat(meta.messages(ADA)).hasSize(1);
  }
}
