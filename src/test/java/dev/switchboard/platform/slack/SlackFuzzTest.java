package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.CannedHttpServer;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import dev.switchboard.testing.StubPlatformContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Fuzzing of what Slack sends: Events API payloads through {@link InboundEvents} (a message or
 * nothing), whole Socket Mode messages through the adapter's {@link SocketMode} connection
 * against the fake Slack (an odd one is skipped, the connection carries on), and Web API
 * answers through {@link SlackWebApi#call} (a value or a {@link PlatformException}).
 */
@AddLifecycleHook(FuzzTries.class)
class SlackFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOT_TOKEN = "xoxb-fuzz";
  private static final String APP_TOKEN = "xapp-fuzz";

  static final JsonNode DM_ENVELOPE = JSON.readTree("""
      {"envelope_id":"e1","type":"events_api","accepts_response_payload":false,
       "retry_attempt":0,"retry_reason":"",
       "payload":{"token":"v","team_id":"T1","api_app_id":"A1","type":"event_callback",
        "event_id":"Ev1","event_time":1764300000,
        "event":{"type":"message","channel":"D1","user":"U1","text":"hi &amp; bye",
         "ts":"1.000001","channel_type":"im","event_ts":"1.000001"}}}
      """);
  /** A direct message of files alone, as Slack sends one: subtype file_share, no text. */
  static final JsonNode FILE_SHARE_PAYLOAD = JSON.readTree("""
      {"type":"event_callback","event_id":"Ev3",
       "event":{"type":"message","subtype":"file_share","channel":"D1","user":"U1","text":"",
        "ts":"3.000001","channel_type":"im","upload":false,
        "files":[{"id":"F1","name":"a.png","title":"a.png","mimetype":"image/png",
          "filetype":"png","size":12,"mode":"hosted","is_external":false,
          "url_private":"https://files.slack.com/files-pri/T1-F1/a.png",
          "url_private_download":"https://files.slack.com/files-pri/T1-F1/download/a.png"},
         {"id":"F2","name":"audio_message.mp4","mimetype":"video/mp4","subtype":"slack_audio",
          "size":4,"mode":"hosted",
          "url_private":"https://files.slack.com/files-pri/T1-F2/audio_message.mp4"}]}}
      """);

  static final JsonNode MENTION_ENVELOPE = JSON.readTree("""
      {"envelope_id":"e2","type":"events_api",
       "payload":{"type":"event_callback","event_id":"Ev2",
        "event":{"type":"app_mention","channel":"C1","user":"U2",
         "text":"<@UBOT0001> what is up","ts":"2.000001","thread_ts":"1.5"}}}
      """);
  static final JsonNode HELLO = JSON.readTree("""
      {"type":"hello","num_connections":1,
       "debug_info":{"host":"h","approximate_connection_time":18060},
       "connection_info":{"app_id":"A1"}}
      """);

  private static @Nullable CannedHttpServer webApi;
  private static @Nullable FakeSlackServer slack;
  private static @Nullable SlackAdapter adapter;
  private static final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeContainer
  static void start() throws Exception {
    webApi = CannedHttpServer.start();
    slack = new FakeSlackServer(BOT_TOKEN, APP_TOKEN);
    adapter = new SlackAdapter(
        new SlackSettings(
            BOT_TOKEN,
            APP_TOKEN,
            URI.create(slack.apiBase()),
            URI.create(slack.filesBase()),
            Duration.ofSeconds(1)),
        Clock.systemUTC());
    adapter.connect(inbound::add, new StubPlatformContext());
  }

  @AfterContainer
  static void stop() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
    }
    if (slack != null) {
      slack.close();
    }
    if (webApi != null) {
      webApi.close();
    }
  }

  @Provide
  Arbitrary<JsonNode> eventPayloads() {
    return Arbitraries.oneOf(
        Fuzz.mutated(DM_ENVELOPE.path("payload")),
        Fuzz.mutated(MENTION_ENVELOPE.path("payload")),
        Fuzz.mutated(FILE_SHARE_PAYLOAD),
        Fuzz.oddValues());
  }

  @Property(tries = 300)
  void anEventIsAMessageOrNothingNeverAnException(@ForAll("eventPayloads") JsonNode payload)
      throws Exception {
    InboundEvents events = new InboundEvents();
    for (String bot : new String[] {FakeSlackServer.BOT_USER, null}) {
      Optional<InboundMessage> m = Fuzz.within(() -> events.from(payload, bot, Instant.EPOCH));

      m.ifPresent(msg -> {
        assertThat(msg.text().isBlank() && msg.attachments().isEmpty()).isFalse();
        assertThat(msg.attachments()).allSatisfy(a -> assertThat(a.ref()).isNotBlank());
      });
    }
  }

  @Provide
  Arbitrary<List<String>> socketMessages() {
    return Arbitraries.oneOf(
            Fuzz.textInsteadOf(DM_ENVELOPE),
            Fuzz.textInsteadOf(MENTION_ENVELOPE),
            Fuzz.textInsteadOf(HELLO))
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  /**
   * Odd Socket Mode messages are skipped and the connection lives on: the direct message sent
   * after them arrives and is acknowledged.
   */
  @Property(tries = 15)
  void oddSocketModeMessagesLeaveTheConnectionWorking(
      @ForAll("socketMessages") List<String> messages) {
    assertThat(slack).isNotNull();
    messages.forEach(slack::sendRaw);
    String text = "after " + messages.size() + " odd ones " + System.nanoTime();

    String envelope = slack.directMessage("U9", "D9", text);

    await()
        .atMost(Fuzz.PER_TRY)
        .until(() -> inbound.stream().anyMatch(m -> m.text().equals(text)));
    await().atMost(Fuzz.PER_TRY).until(() -> slack.acked(envelope));
  }

  @Provide
  Arbitrary<CannedHttpServer.Answer> webApiAnswers() {
    JsonNode ok =
        JSON.readTree("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\",\"url\":\"wss://x\"}");
    JsonNode error = JSON.readTree("{\"ok\":false,\"error\":\"channel_not_found\"}");
    return Combinators.combine(
            Arbitraries.of(200, 200, 200, 400, 401, 429, 500, 503),
            Arbitraries.oneOf(
                Fuzz.oddStrings().map(s -> s.replaceAll("[\\p{Cntrl}\\x{80}-\\x{10FFFF}]", "?")),
                Arbitraries.of("1", "0", "-5", "99999999999999999999", "9223372036854775807")),
            Arbitraries.oneOf(Fuzz.textInsteadOf(ok), Fuzz.textInsteadOf(error)))
        .as((status, retryAfter, body) -> new CannedHttpServer.Answer(
            status, Map.of("Retry-After", retryAfter), body.getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = 60)
  void anyWebApiAnswerIsAValueOrAPlatformException(
      @ForAll("webApiAnswers") CannedHttpServer.Answer answer) throws Exception {
    assertThat(webApi).isNotNull();
    webApi.answer(answer);
    Sleeper noWait = d -> {};
    SlackWebApi api = new SlackWebApi(HTTP, webApi.uri(), noWait);

    try {
      JsonNode result = Fuzz.within(() ->
          api.call("chat.postMessage", BOT_TOKEN, JSON.createObjectNode(), Duration.ofSeconds(10)));
      assertThat(result.path("ok").asBoolean(false)).isTrue();
    } catch (PlatformException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain(BOT_TOKEN);
    }
  }
}
