package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Ticker;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.text.HtmlText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply Telegram refuses with a 400 ({"ok":false,"error_code":400,"description":"Bad Request:
 * message is too long"}), through the gateway's delivery and the adapter against the fake Bot
 * API: the user gets the whole answer in smaller messages, or one notice with Telegram's reason.
 */
class TelegramRefusalTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh";
  private static final long ALICE = 1001;
  private static final ChatRef CHAT = ChatRef.of("telegram", Long.toString(ALICE));
  private static final InboundMessage ASKED =
      new InboundMessage(CHAT, "41", new Sender("1001", "Alice"), "tell me", false, Instant.now());
  private static final String TOO_LONG = "Bad Request: message is too long";
  private static final String ANSWER = "Here is **the answer**, in three paragraphs.\n\n"
      + "The first one says that a refused message must not vanish: ".repeat(4)
      + "\n\nThe second one has `code` and a [link](https://example.com/a?b=c&d=e) in it. "
          .repeat(3)
      + "\n\nAnd the third one ends it, with <angle brackets> & an ampersand.";

  private final FakeTelegramServer telegram = FakeTelegramServer.start(TOKEN, "switchboard_bot");
  private final TelegramAdapter adapter = new TelegramAdapter(
      TelegramSettings.from(Config.defaults(ConfigSchema.of(TelegramSettings.keys()))
          .with(Map.<ConfigKey<?>, Object>of(
              TelegramSettings.TOKEN,
              TOKEN,
              TelegramSettings.API_BASE_URL,
              telegram.baseUrl(),
              TelegramSettings.CHAT_RATE,
              6000))));
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> refusedOn = new CopyOnWriteArrayList<>();
  private final DeliveryEvents events = new DeliveryEvents() {
    @Override
    public void refused(String platform) {
      refusedOn.add(platform);
    }
  };

  TelegramRefusalTest() {
    telegram.registerPrivateChat(ALICE);
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    telegram.close();
  }

  /** A process's delivery; a second one over the same store is the process after a restart. */
  private Delivery delivery() {
    return new Delivery(
        new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system(), events);
  }

  private static String[] words(String text) {
    return text.strip().split("\\s+");
  }

  @Test
  void aFourHundredToASendIsARefusalWithTelegramsWords() {
    telegram.failNext("sendMessage", 1, 400, TOO_LONG, null);

    assertThatThrownBy(() -> adapter.send(CHAT, "x"))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.REFUSED);
          assertThat(e.reason()).isEqualTo(TOO_LONG);
          assertThat(e.getMessage()).isEqualTo("sendMessage: " + TOO_LONG).doesNotContain(TOKEN);
        });
  }

  @Test
  void aRefusedReplyArrivesWholeInSmallerMessages() {
    String visible = HtmlText.visible(String.join("", adapter.render(ANSWER)));
    telegram.failNext("sendMessage", 1, 400, TOO_LONG, null);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    List<BotMessage> shown = telegram.messages(ALICE);
    assertThat(shown).hasSizeGreaterThan(1);
    String together = String.join(" ", shown.stream().map(BotMessage::text).toList());
    assertThat(words(together)).containsExactly(words(visible));
    assertThat(telegram.calls("sendMessage").getFirst().httpStatus()).isEqualTo(400);
    assertThat(refusedOn).containsExactly("telegram");
  }

  @Test
  void whenEveryFormIsRefusedTheUserIsToldWhyOnceAndNothingIsSentAgainAfterARestart() {
    telegram.failNext("sendMessage", 3, 400, TOO_LONG, null);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();

    assertThat(telegram.messages(ALICE))
        .extracting(BotMessage::text)
        .containsExactly("\u26a0\ufe0f This answer could not be delivered in full: Telegram"
            + " refused it (Bad Request: message is too long).");
    List<Call> calls = telegram.calls("sendMessage");
    assertThat(calls)
        .as("the reply, its first smaller piece, that piece plain, the notice")
        .extracting(Call::httpStatus)
        .containsExactly(400, 400, 400, 200);
    assertThat(calls.get(1).params().has("parse_mode")).isTrue();
    assertThat(calls.get(2).params().has("parse_mode")).as("plain text").isFalse();
    assertThat(refusedOn).containsExactly("telegram");

    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();

    assertThat(telegram.calls("sendMessage")).hasSize(4);
    assertThat(telegram.messages(ALICE)).hasSize(1);
    assertThat(refusedOn).hasSize(1);
  }

  @Test
  void aChatTelegramCannotFindIsNotARefusalOfTheMessage() {
    assertThatThrownBy(() -> adapter.send(ChatRef.of("telegram", "777"), "x"))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL));
  }
}
