package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.testing.CannedHttpServer;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import dev.switchboard.testing.StubPlatformContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzing of what Telegram sends: updates (from getUpdates or a webhook body) through {@link
 * UpdateParser}, and whole getUpdates answers through {@link TelegramApi} and {@link
 * LongPoller}. The parser's contract is a message or nothing, never an exception: an update it
 * threw on would never be confirmed, so every poll would fetch it again and block the chat
 * behind it for good.
 */
@AddLifecycleHook(FuzzTries.class)
class TelegramFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BotIdentity BOT = new BotIdentity(7, "switchboard_bot");
  private static final UpdateParser MENTIONS =
      new UpdateParser(BOT, TelegramSettings.GroupTrigger.MENTION);
  private static final UpdateParser ALL = new UpdateParser(BOT, TelegramSettings.GroupTrigger.ALL);

  static final JsonNode PRIVATE = JSON.readTree("""
      {"update_id": 5, "message": {"message_id": 10, "date": 1700000000, "text": "hello",
       "from": {"id": 42, "is_bot": false, "first_name": "Ann"},
       "chat": {"id": 42, "type": "private"}}}
      """);
  static final JsonNode GROUP = JSON.readTree("""
      {"update_id": 5, "message": {"message_id": 11, "date": 1700000000,
       "text": "/status@switchboard_bot @switchboard_bot hi",
       "entities": [{"type": "bot_command", "offset": 0, "length": 23},
                    {"type": "mention", "offset": 24, "length": 16},
                    {"type": "text_mention", "offset": 0, "length": 1, "user": {"id": 7}}],
       "caption": "x", "caption_entities": [{"type": "mention", "offset": 0, "length": 1}],
       "from": {"id": 43, "is_bot": false, "first_name": "Bo", "last_name": "C", "username": "bo"},
       "chat": {"id": -100123, "type": "supergroup"},
       "is_topic_message": true, "message_thread_id": 3,
       "reply_to_message": {"message_id": 9, "from": {"id": 7, "is_bot": true}}}}
      """);
  static final JsonNode CAPTION = JSON.readTree("""
      {"update_id": 5, "message": {"message_id": 12, "date": 1700000000,
       "caption": "@switchboard_bot look", "photo": [{"file_id": "a"}],
       "caption_entities": [{"type": "mention", "offset": 0, "length": 16}],
       "from": {"id": 44, "is_bot": false, "first_name": "Cy"},
       "chat": {"id": -5, "type": "group"}}}
      """);

  static final JsonNode FILES = JSON.readTree("""
      {"update_id": 5, "message": {"message_id": 13, "date": 1700000000,
       "media_group_id": "99",
       "photo": [{"file_id": "p1", "file_unique_id": "u1", "file_size": 10, "width": 90,
                  "height": 90},
                 {"file_id": "p2", "file_unique_id": "u2", "file_size": 99, "width": 800,
                  "height": 600}],
       "document": {"file_id": "d", "file_unique_id": "ud", "file_name": "a.pdf",
                    "mime_type": "application/pdf", "file_size": 5},
       "animation": {"file_id": "g", "file_unique_id": "ug", "mime_type": "video/mp4"},
       "voice": {"file_id": "v", "file_unique_id": "uv", "duration": 1, "mime_type": "audio/ogg"},
       "audio": {"file_id": "a", "file_unique_id": "ua", "title": "t", "file_size": 7},
       "video": {"file_id": "vi", "file_unique_id": "uvi", "file_name": "c.mp4"},
       "video_note": {"file_id": "n", "file_unique_id": "un", "length": 240, "duration": 2},
       "sticker": {"file_id": "s", "file_unique_id": "us", "is_animated": true,
                   "is_video": false, "type": "regular",
                   "thumbnail": {"file_id": "st", "file_unique_id": "ust", "width": 128}},
       "from": {"id": 45, "is_bot": false, "first_name": "Di"},
       "chat": {"id": 45, "type": "private"}}}
      """);

  private static @Nullable CannedHttpServer server;
  private static @Nullable TelegramApi api;

  @BeforeContainer
  static void startServer() {
    server = CannedHttpServer.start();
  }

  @AfterContainer
  static void stopServer() {
    if (server != null) {
      server.close();
    }
    server = null;
    api = null;
  }

  private static CannedHttpServer server() {
    assertThat(server).isNotNull();
    return server;
  }

  @Provide
  Arbitrary<JsonNode> updates() {
    return Arbitraries.oneOf(
        Fuzz.mutated(PRIVATE),
        Fuzz.mutated(GROUP),
        Fuzz.mutated(CAPTION),
        Fuzz.mutated(FILES),
        Fuzz.oddValues());
  }

  @Property(tries = 500)
  void anUpdateIsAMessageOrNothingNeverAnException(@ForAll("updates") JsonNode update)
      throws Exception {
    for (UpdateParser parser : List.of(MENTIONS, ALL)) {
      Optional<InboundMessage> m = Fuzz.within(() -> parser.parse(update));

      m.ifPresent(msg -> assertThat(!msg.text().isBlank() || !msg.attachments().isEmpty())
          .as("a message says something or carries a file: %s", msg)
          .isTrue());
    }
  }

  @Provide
  Arbitrary<String> webhookBodies() {
    return Arbitraries.oneOf(
        Fuzz.textInsteadOf(PRIVATE),
        Fuzz.textInsteadOf(GROUP),
        Fuzz.textInsteadOf(CAPTION),
        Fuzz.textInsteadOf(FILES));
  }

  /**
   * A webhook body, as {@link WebhookReceiver} reads it: unreadable JSON is the documented
   * "malformed update" (answered 200 and dropped); anything readable is a message or nothing.
   */
  @Property(tries = 300)
  void aWebhookBodyIsMalformedOrAMessageOrNothing(@ForAll("webhookBodies") String body)
      throws Exception {
    JsonNode update;
    try {
      update = JSON.readTree(body);
    } catch (JacksonException e) {
      return; // the documented failure: "ignoring a malformed update"
    }
    Fuzz.within(() -> MENTIONS.parse(update));
  }

  @Provide
  Arbitrary<String> visibleTexts() {
    return Fuzz.oddStrings().filter(s -> !s.isBlank() && !s.contains("@"));
  }

  @Property(tries = 200)
  void aValidPrivateMessageStillParsesWhateverItSays(@ForAll("visibleTexts") String text)
      throws Exception {
    ObjectNode update = (ObjectNode) PRIVATE.deepCopy();
    ((ObjectNode) update.path("message")).put("text", text);

    Optional<InboundMessage> m = Fuzz.within(() -> MENTIONS.parse(update));

    assertThat(m).hasValueSatisfying(msg -> {
      assertThat(msg.text()).isEqualTo(text.strip());
      assertThat(msg.chat().chatId()).isEqualTo("42");
      assertThat(msg.messageId()).isEqualTo("10");
    });
  }

  @Provide
  Arbitrary<CannedHttpServer.Answer> getUpdatesAnswers() {
    ObjectNode valid = JSON.createObjectNode().put("ok", true);
    valid.putArray("result").add(PRIVATE).add(GROUP);
    JsonNode limited = JSON.readTree("""
        {"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 5",
         "parameters": {"retry_after": 5, "migrate_to_chat_id": -100}}
        """);
    return net.jqwik.api.Combinators.combine(
            Arbitraries.of(200, 200, 200, 400, 401, 404, 409, 429, 500, 502),
            Arbitraries.oneOf(Fuzz.textInsteadOf(valid), Fuzz.textInsteadOf(limited)))
        .as((status, body) ->
            new CannedHttpServer.Answer(status, Map.of(), body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whatever getUpdates answers, a poll ends the way the loop expects: an End, no exception. */
  @Property(tries = 60)
  void anyGetUpdatesAnswerEndsThePollCleanly(
      @ForAll("getUpdatesAnswers") CannedHttpServer.Answer answer) throws Exception {
    server().answer(answer);
    List<InboundMessage> taken = new CopyOnWriteArrayList<>();
    LongPoller poller = poller(taken, new StubPlatformContext());

    ReconnectingLoop.End end = Fuzz.within(() -> poller.run(new QuietLink()));

    assertThat(end.toString()).doesNotContain("could not take an update");
  }

  @Provide
  Arbitrary<JsonNode> oddMessages() {
    return Arbitraries.oneOf(
        Fuzz.mutated(PRIVATE.path("message")),
        Fuzz.mutated(GROUP.path("message")),
        Fuzz.mutated(CAPTION.path("message")),
        Fuzz.oddValues());
  }

  /**
   * An odd update is passed over, not retried forever: the valid update after it is taken and
   * the offset confirms both.
   */
  @Property(tries = 60)
  void anOddUpdateDoesNotHoldBackTheOnesAfterIt(@ForAll("oddMessages") JsonNode message)
      throws Exception {
    ObjectNode odd = JSON.createObjectNode().put("update_id", 5);
    odd.set("message", message);
    ObjectNode next = (ObjectNode) PRIVATE.deepCopy();
    next.put("update_id", 6);
    ObjectNode answer = JSON.createObjectNode().put("ok", true);
    ArrayNode result = answer.putArray("result");
    result.add(odd).add(next);
    server()
        .answer(new CannedHttpServer.Answer(
            200, Map.of(), answer.toString().getBytes(StandardCharsets.UTF_8)));
    List<InboundMessage> taken = new CopyOnWriteArrayList<>();
    StubPlatformContext context = new StubPlatformContext();
    LongPoller poller = poller(taken, context);

    Fuzz.within(() -> poller.run(new QuietLink()));

    assertThat(taken).last().extracting(InboundMessage::text).isEqualTo("hello");
    assertThat(context.loadCursor(LongPoller.CURSOR)).contains("7");
  }

  private static LongPoller poller(List<InboundMessage> taken, StubPlatformContext context) {
    if (api == null) {
      api = new TelegramApi(server().uri(), "123456:" + "A".repeat(30));
    }
    return new LongPoller(
        api,
        MENTIONS,
        taken::add,
        context,
        Duration.ofSeconds(1),
        RandomGenerator.of("L64X128MixRandom"));
  }

  static final class QuietLink implements ReconnectingLoop.Link {
    @Override
    public boolean connected() {
      return false;
    }

    @Override
    public void alive() {}

    @Override
    public void pause(Duration wait) {}
  }
}
