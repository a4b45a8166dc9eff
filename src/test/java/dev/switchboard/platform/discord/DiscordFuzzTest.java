package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.discord.GatewayProtocol.Action;
import dev.switchboard.testing.CannedHttpServer;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing of what Discord sends: gateway payloads through {@link GatewayProtocol#onPayload}
 * (whose documented answer to an unreadable payload is a resuming reconnect, never an
 * exception: one thrown into the WebSocket listener would end the connection silently), a
 * MESSAGE_CREATE's data through {@link InboundMessages} (a message or nothing: an exception
 * there makes the gateway resume, which replays the same dispatch, for ever), and REST answers
 * (error bodies, 429s, rate-limit headers) through {@link DiscordRest#call}, whose failures are
 * {@link PlatformException}s.
 */
@AddLifecycleHook(FuzzTries.class)
class DiscordFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "MTIz.fuzz.token";
  private static final String BOT = "900";

  static final JsonNode HELLO = JSON.readTree("{\"op\":10,\"d\":{\"heartbeat_interval\":41250}}");
  static final JsonNode READY = JSON.readTree("""
      {"op":0,"s":1,"t":"READY","d":{"v":10,"session_id":"abc",
       "resume_gateway_url":"wss://gateway.example/resume",
       "user":{"id":"900","username":"switchboard","bot":true}}}
      """);
  static final JsonNode MESSAGE = JSON.readTree("""
      {"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"id":"1001","channel_id":"55","guild_id":"77",
       "content":"<@900> hello there","author":{"id":"42","username":"ann","global_name":"Ann"},
       "mentions":[{"id":"900"}],"type":0,"flags":8192,
       "attachments":[{"id":"7","filename":"voice-message.ogg","content_type":"audio/ogg",
        "size":1234,"url":"https://cdn.discordapp.com/attachments/55/7/voice-message.ogg?ex=1",
        "proxy_url":"https://media.discordapp.net/attachments/55/7/voice-message.ogg",
        "duration_secs":2.5,"waveform":"AAA="}],
       "sticker_items":[{"id":"8","name":"wave","format_type":1}]}}
      """);
  static final JsonNode OTHERS = JSON.readTree("""
      [{"op":11},{"op":1,"d":3},{"op":7,"d":null},{"op":9,"d":true},
       {"op":0,"s":3,"t":"RESUMED","d":{}}]
      """);

  private static @Nullable CannedHttpServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeContainer
  static void startServer() {
    server = CannedHttpServer.start();
  }

  @AfterContainer
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static GatewayProtocol protocol() {
    return new GatewayProtocol(
        TOKEN,
        DiscordIntents.DEFAULT,
        new SplittableRandom(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  @Provide
  Arbitrary<String> payloads() {
    Arbitrary<String> others = Arbitraries.integers()
        .between(0, OTHERS.size() - 1)
        .flatMap(i -> Fuzz.textInsteadOf(OTHERS.get(i)));
    return Arbitraries.oneOf(
        Fuzz.textInsteadOf(HELLO), Fuzz.textInsteadOf(READY), Fuzz.textInsteadOf(MESSAGE), others);
  }

  /**
   * Any run of odd payloads gives actions, never an exception; and the session still works
   * after it: a valid Hello is answered, a valid dispatch is delivered.
   */
  @Property(tries = 250)
  void anyPayloadGivesActionsAndTheSessionStillWorksAfter(@ForAll("payloadRuns") List<String> run)
      throws Exception {
    GatewayProtocol p = protocol();
    p.opened();
    for (String payload : run) {
      List<Action> actions = Fuzz.within(() -> p.onPayload(payload));
      assertThat(actions).doesNotContainNull();
      for (Action a : actions) {
        if (a instanceof Action.Deliver d) {
          p.delivered(d.seq()); // as the gateway does once the adapter took it
        }
      }
      p.saved().ifPresent(saved -> protocol().restore(saved)); // a cursor it wrote reads back
    }
    p.opened();

    assertThat(p.onPayload(HELLO.toString()))
        .hasSize(2)
        .first()
        .isInstanceOf(Action.StartHeartbeats.class);
    assertThat(p.onPayload(MESSAGE.toString()))
        .singleElement()
        .isInstanceOfSatisfying(Action.Deliver.class, d -> {
          assertThat(d.type()).isEqualTo("MESSAGE_CREATE");
          assertThat(d.data().path("content").asString("")).isEqualTo("<@900> hello there");
        });
  }

  @Provide
  Arbitrary<List<String>> payloadRuns() {
    return payloads().list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 200)
  void aSavedSessionThatIsGarbageIsIgnored(@ForAll("savedSessions") String saved) throws Exception {
    GatewayProtocol p = protocol();

    Fuzz.within(() -> p.restore(saved));

    assertThat(p.onPayload(HELLO.toString())).hasSize(2);
  }

  @Provide
  Arbitrary<String> savedSessions() {
    return Fuzz.textInsteadOf(JSON.readTree(
        "{\"session_id\":\"abc\",\"resume_gateway_url\":\"wss://g.example\",\"seq\":5}"));
  }

  @Provide
  Arbitrary<JsonNode> messageData() {
    return Arbitraries.oneOf(Fuzz.mutated(MESSAGE.path("d")), Fuzz.oddValues());
  }

  @Property(tries = 500)
  void aMessageCreateIsAMessageOrNothingNeverAnException(@ForAll("messageData") JsonNode d)
      throws Exception {
    InboundMessages messages = new InboundMessages(Set.of("55"));
    for (String bot : new String[] {BOT, null}) {
      Optional<InboundMessage> m = Fuzz.within(() -> messages.from(d, bot, Instant.EPOCH));

      m.ifPresent(msg -> assertThat(!msg.text().isBlank() || !msg.attachments().isEmpty())
          .as("a message says something or brings a file")
          .isTrue());
    }
  }

  @Property(tries = 200)
  void aValidMessageStillParsesWhateverItSays(@ForAll("visibleTexts") String text) {
    JsonNode d = MESSAGE.path("d").deepCopy();
    ((tools.jackson.databind.node.ObjectNode) d).put("content", "<@900> " + text);
    ((tools.jackson.databind.node.ObjectNode) d).remove("sticker_items");

    assertThat(new InboundMessages(Set.of()).from(d, BOT, Instant.EPOCH))
        .hasValueSatisfying(m -> assertThat(m.text()).isEqualTo(text.strip()));
  }

  @Provide
  Arbitrary<String> visibleTexts() {
    return Fuzz.oddStrings().filter(s -> !s.isBlank() && !s.contains("<@"));
  }

  @Provide
  Arbitrary<CannedHttpServer.Answer> restAnswers() {
    JsonNode error = JSON.readTree(
        "{\"code\":50035,\"message\":\"Invalid Form Body\",\"errors\":{\"content\":{}}}");
    JsonNode limited = JSON.readTree(
        "{\"message\":\"You are being rate limited.\",\"retry_after\":0.01,\"global\":false}");
    JsonNode sent = JSON.readTree("{\"id\":\"1\",\"channel_id\":\"55\",\"content\":\"hi\"}");
    Arbitrary<String> headerValues = Arbitraries.oneOf(
        Fuzz.oddStrings(),
        Arbitraries.of(
            "0", "1", "-1", "0.5", "1e308", "NaN", "Infinity", "99999999999999999999", "true"));
    Arbitrary<Map<String, String>> headers = Combinators.combine(
            Arbitraries.of(
                    "Retry-After",
                    "X-RateLimit-Bucket",
                    "X-RateLimit-Remaining",
                    "X-RateLimit-Reset-After",
                    "X-RateLimit-Global")
                .list()
                .uniqueElements()
                .ofMaxSize(5),
            headerValues.list().ofSize(5))
        .as((names, values) -> {
          Map<String, String> h = new HashMap<>();
          for (int i = 0; i < names.size(); i++) {
            // Header values cannot hold line breaks or other controls on the wire.
            h.put(names.get(i), values.get(i).replaceAll("[\\p{Cntrl}\\x{80}-\\x{10FFFF}]", "?"));
          }
          return h;
        });
    return Combinators.combine(
            Arbitraries.of(200, 201, 204, 400, 401, 403, 404, 429, 429, 500, 502),
            headers,
            Arbitraries.oneOf(
                Fuzz.textInsteadOf(error), Fuzz.textInsteadOf(limited), Fuzz.textInsteadOf(sent)))
        .as((status, h, body) ->
            new CannedHttpServer.Answer(status, h, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Any answer is a JSON value or a {@link PlatformException}, within the call's deadline. */
  @Property(tries = 60)
  void anyRestAnswerIsAValueOrAPlatformException(
      @ForAll("restAnswers") CannedHttpServer.Answer answer) throws Exception {
    assertThat(server).isNotNull();
    server.answer(answer);
    // The rate limiter's clock moves when the call waits, so a 429 costs no real time.
    AtomicLong now = new AtomicLong();
    Ticker ticker = now::get;
    Sleeper sleeper = d -> now.addAndGet(Math.max(0, d.toNanos()));
    DiscordRest rest =
        new DiscordRest(HTTP, server.uri(), TOKEN, "test", new RateLimits(ticker), sleeper);

    try {
      JsonNode result = Fuzz.within(() -> rest.call(
          "POST",
          "POST /channels/{id}/messages",
          "55",
          "/channels/55/messages",
          JSON.createObjectNode().put("content", "hi"),
          Duration.ofSeconds(10)));
      assertThat(answer.status()).isBetween(200, 299);
      assertThat(result).isNotNull();
    } catch (PlatformException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain(TOKEN);
    }
  }
}
