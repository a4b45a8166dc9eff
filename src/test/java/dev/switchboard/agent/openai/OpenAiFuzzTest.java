package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.CannedHttpServer;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Fuzzing of what an OpenAI-compatible model server sends: the SSE framing through {@link
 * SseReader} (any bytes end in events and the end of the stream; well-framed events come back
 * as sent), and whole answers (status, SSE stream of chunk JSON or one JSON body, error bodies,
 * Retry-After) through {@link OpenAiBackend#run}, whose documented failure is an {@link
 * AgentException}.
 */
@AddLifecycleHook(FuzzTries.class)
class OpenAiFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static final JsonNode CHUNK = JSON.readTree("""
      {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",
       "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}],
       "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}
      """);
  static final JsonNode LAST_CHUNK = JSON.readTree("""
      {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}
      """);
  static final JsonNode WHOLE = JSON.readTree("""
      {"id":"c2","object":"chat.completion","choices":[{"index":0,
       "message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],
       "usage":{"prompt_tokens":3,"completion_tokens":1}}
      """);
  static final JsonNode ERROR = JSON.readTree("""
      {"error":{"message":"context too long","type":"invalid_request_error","param":null,
       "code":"context_length_exceeded"}}
      """);

  private static @Nullable CannedHttpServer server;

  @BeforeContainer
  static void start() {
    server = CannedHttpServer.start();
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Provide
  Arbitrary<String> streams() {
    Arbitrary<String> lines = Arbitraries.oneOf(
        Fuzz.garbage(),
        Arbitraries.of(
            "data:",
            "data: ",
            ":",
            ": keep-alive",
            "event: x",
            "id: 1",
            "retry: 5",
            "data: [DONE]"),
        Fuzz.textInsteadOf(CHUNK).map(s -> "data: " + s));
    Arbitrary<String> ends = Arbitraries.of("\n", "\r", "\r\n", "\n\n", "\r\n\r\n", "", "\n\r");
    return Combinators.combine(lines, ends)
        .as((l, e) -> l + e)
        .list()
        .ofMaxSize(12)
        .map(l -> String.join("", l));
  }

  @Property(tries = 300)
  void anyBytesReadAsEventsThenTheEnd(@ForAll("streams") String stream) throws Exception {
    SseReader reader =
        new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), () -> {});

    List<String> events = Fuzz.within(() -> {
      List<String> read = new ArrayList<>();
      for (String data; (data = reader.next()) != null; ) {
        read.add(data);
      }
      return read;
    });

    assertThat(events).hasSizeLessThanOrEqualTo(stream.length());
  }

  @Provide
  Arbitrary<List<String>> eventData() {
    return Fuzz.oddStrings()
        .map(s -> s.replace("\r", "").replace('\uFFFF', 'x'))
        .list()
        .ofMaxSize(6);
  }

  /** Events framed as the standard says come back as they were sent, whatever they hold. */
  @Property(tries = 300)
  void wellFramedEventsComeBackAsSent(
      @ForAll("eventData") List<String> data, @ForAll("lineEnds") String end) throws Exception {
    StringBuilder stream = new StringBuilder(": hello" + end);
    for (String d : data) {
      for (String line : d.split("\n", -1)) {
        stream.append("data: ").append(line).append(end);
      }
      stream.append(end);
    }
    SseReader reader = new SseReader(
        new ByteArrayInputStream(stream.toString().getBytes(StandardCharsets.UTF_8)), () -> {});

    List<String> read = new ArrayList<>();
    for (String d; (d = reader.next()) != null; ) {
      read.add(d);
    }

    List<String> expected = data.stream()
        .map(d -> new String(d.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .toList();
    assertThat(read).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> lineEnds() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }

  @Provide
  Arbitrary<CannedHttpServer.Answer> streamedAnswers() {
    Arbitrary<String> chunk = Arbitraries.oneOf(
        Fuzz.textInsteadOf(CHUNK), Fuzz.textInsteadOf(LAST_CHUNK), Fuzz.textInsteadOf(ERROR));
    Arbitrary<String> body = Combinators.combine(
            chunk.list().ofMaxSize(5), Arbitraries.of(true, false))
        .as((chunks, done) -> {
          StringBuilder sb = new StringBuilder();
          for (String c : chunks) {
            sb.append("data: ")
                .append(c.replace("\n", "\ndata: ").replace("\r", ""))
                .append("\n\n");
          }
          return done ? sb + "data: [DONE]\n\n" : sb.toString();
        });
    return answers(body, Map.of("Content-Type", "text/event-stream"));
  }

  @Provide
  Arbitrary<CannedHttpServer.Answer> wholeAnswers() {
    return answers(
        Arbitraries.oneOf(Fuzz.textInsteadOf(WHOLE), Fuzz.textInsteadOf(ERROR)),
        Map.of("Content-Type", "application/json"));
  }

  private static Arbitrary<CannedHttpServer.Answer> answers(
      Arbitrary<String> bodies, Map<String, String> headers) {
    return Combinators.combine(
            Arbitraries.of(200, 200, 200, 200, 400, 401, 404, 429, 500, 503),
            Arbitraries.of("1", "0", "999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", "-1"),
            bodies)
        .as((status, retryAfter, body) -> {
          Map<String, String> h = new java.util.HashMap<>(headers);
          h.put("Retry-After", retryAfter);
          return new CannedHttpServer.Answer(status, h, body.getBytes(StandardCharsets.UTF_8));
        });
  }

  @Property(tries = 60)
  void anyStreamedAnswerIsAReplyOrAnAgentException(
      @ForAll("streamedAnswers") CannedHttpServer.Answer answer) throws Exception {
    assertOneTurnEndsCleanly(answer, true);
  }

  @Property(tries = 60)
  void anyWholeAnswerIsAReplyOrAnAgentException(
      @ForAll("wholeAnswers") CannedHttpServer.Answer answer) throws Exception {
    assertOneTurnEndsCleanly(answer, false);
  }

  private static void assertOneTurnEndsCleanly(CannedHttpServer.Answer answer, boolean stream)
      throws Exception {
    assertThat(server).isNotNull();
    server.answer(answer);
    TestSettings settings = new TestSettings(server.uri() + "/v1");
    settings.stream = stream;
    settings.maxRetries = 0;
    List<String> deltas = new ArrayList<>();
    try (OpenAiBackend backend = new OpenAiBackend(settings.build())) {
      TurnResult result = Fuzz.within(() -> backend.run(
          new TurnRequest(
              "s#1",
              ChatRef.of("telegram", "42"),
              new Sender("42", "Ann"),
              "hi",
              List.of(),
              null,
              Approver.DENY_ALL),
          deltas::add,
          new TurnControl()));
      assertThat(answer.status()).isEqualTo(200);
      assertThat(result.text()).isEqualTo(String.join("", deltas));
    } catch (AgentException e) {
      assertThat(e.userMessage()).isNotBlank().doesNotContain(TestSettings.KEY);
      assertThat(String.valueOf(e.getMessage())).doesNotContain(TestSettings.KEY);
    }
  }
}
