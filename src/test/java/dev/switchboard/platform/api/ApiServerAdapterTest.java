package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.StubPlatformContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API server over real HTTP; the test plays the gateway: it receives each request as an
 * inbound message and answers through the reply calls, as the dispatcher and delivery do.
 */
class ApiServerAdapterTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String KEY = "sk-test-0123456789abcdef0123456789abcdef";

  private final HttpClient client = HttpClient.newHttpClient();
  private final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
  private final StubPlatformContext context = new StubPlatformContext();
  private final ManualClock ticker = new ManualClock();
  private HttpServer server;

  @TempDir
  Path spool;

  private ApiServerAdapter adapter;
  private String base;

  private void start(int perMinute) throws Exception {
    start(perMinute, Duration.ofSeconds(5));
  }

  private void start(int perMinute, Duration turnTimeout) throws Exception {
    adapter = new ApiServerAdapter(
        new ApiSettings(KEY, perMinute, "switchboard", turnTimeout),
        Clock.systemUTC(),
        ticker,
        spool,
        new ImageFetcher());
    server = new HttpServer("127.0.0.1", 0);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(inbound::put, context);
  }

  @AfterEach
  void stop() throws Exception {
    adapter.disconnect();
    // The client's pooled connections go first: the server's graceful stop (2 s) then has
    // nothing to wait for, however slow the machine is.
    client.shutdownNow();
    client.awaitTermination(Duration.ofSeconds(5));
    server.close();
  }

  private HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  private CompletableFuture<HttpResponse<String>> post(String body, String key) {
    return client.sendAsync(
        request("/v1/chat/completions", key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String body(boolean stream, String... userMessages) {
    StringBuilder sb =
        new StringBuilder("{\"model\":\"switchboard\",\"stream\":" + stream + ",\"messages\":[");
    for (int i = 0; i < userMessages.length; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"role\":\"")
          .append(i % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":\"")
          .append(userMessages[i])
          .append("\"}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void aWrongOrMissingKeyGets401InOpenAisShape() throws Exception {
    start(60);
    for (String key : new String[] {null, "sk-wrong", KEY + "x"}) {
      HttpResponse<String> r = post(body(false, "hi"), key).get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      JsonNode error = JSON.readTree(r.body()).path("error");
      assertThat(error.path("code").asString()).isEqualTo("invalid_api_key");
      assertThat(error.path("message").asString()).isNotBlank();
      assertThat(r.body()).doesNotContain(KEY);
    }
    assertThat(inbound).isEmpty();
  }

  @Test
  void modelsListsTheConfiguredName() throws Exception {
    start(60);
    HttpResponse<String> r =
        client.send(request("/v1/models", KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode root = JSON.readTree(r.body());
    assertThat(root.path("object").asString()).isEqualTo("list");
    assertThat(root.path("data").get(0).path("id").asString()).isEqualTo("switchboard");
    assertThat(root.path("data").get(0).path("object").asString()).isEqualTo("model");
  }

  @Test
  void aNonStreamedAnswerIsTheFinishedReply() throws Exception {
    start(60);
    CompletableFuture<HttpResponse<String>> response = post(body(false, "hello"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(m.text()).isEqualTo("hello");
    assertThat(m.chat().platform()).isEqualTo("api");
    adapter.replyStarted(m.chat(), m.messageId());
    adapter.noticeAbout(
        m.chat(),
        m.messageId(),
        NoticeKind.INFO,
        "Finishing your current reply first."); // a drain notice is not the answer
    adapter.noticeAbout(m.chat(), "some-other-message", NoticeKind.ANSWER, "not for you");
    adapter.send(m.chat(), "the preview or the final text, as sent to chats");
    adapter.replyGrew(m.chat(), m.messageId(), "hel");
    adapter.replyFinished(m.chat(), m.messageId(), "hello back");
    HttpResponse<String> r = response.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode root = JSON.readTree(r.body());
    assertThat(root.path("object").asString()).isEqualTo("chat.completion");
    assertThat(root.path("id").asString()).isEqualTo(m.messageId()).startsWith("chatcmpl-");
    JsonNode choice = root.path("choices").get(0);
    assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asString()).isEqualTo("hello back");
    assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
  }

  @Test
  void aStreamedAnswerComesAsChunksEndingWithDone() throws Exception {
    start(60);
    CompletableFuture<SseClient> stream = CompletableFuture.supplyAsync(() -> {
      try {
        return SseClient.open(
            client,
            request("/v1/chat/completions", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(true, "count"))));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.replyStarted(m.chat(), m.messageId());
    adapter.replyGrew(m.chat(), m.messageId(), "one ");
    adapter.replyGrew(m.chat(), m.messageId(), "two");
    adapter.replyFinished(m.chat(), m.messageId(), "one two\n\n(stopped)");
    try (SseClient events = stream.get(10, TimeUnit.SECONDS)) {
      List<String> data = new ArrayList<>();
      for (SseClient.Event e = events.next(5); e != SseClient.END; e = events.next(5)) {
        data.add(e.data());
      }
      assertThat(data.getLast()).isEqualTo("[DONE]");
      StringBuilder text = new StringBuilder();
      String finish = null;
      for (String d : data.subList(0, data.size() - 1)) {
        JsonNode chunk = JSON.readTree(d);
        assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
        JsonNode choice = chunk.path("choices").get(0);
        text.append(choice.path("delta").path("content").asString(""));
        if (!choice.path("finish_reason").isNull()) {
          finish = choice.path("finish_reason").asString();
        }
      }
      assertThat(JSON.readTree(data.getFirst())
              .path("choices")
              .get(0)
              .path("delta")
              .path("role")
              .asString())
          .isEqualTo("assistant");
      assertThat(text.toString()).isEqualTo("one two\n\n(stopped)");
      assertThat(finish).isEqualTo("stop");
    }
  }

  @Test
  void aNoticeBeforeAnyTurnIsTheAnswer() throws Exception {
    start(60);
    CompletableFuture<HttpResponse<String>> response = post(body(false, "/status"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.noticeAbout(m.chat(), m.messageId(), NoticeKind.ANSWER, "Switchboard is running.");
    JsonNode root = JSON.readTree(response.get(10, TimeUnit.SECONDS).body());
    assertThat(root.path("choices").get(0).path("message").path("content").asString())
        .isEqualTo("Switchboard is running.");
    assertThat(inbound.poll(300, TimeUnit.MILLISECONDS))
        .as("no /stop for an answered request")
        .isNull();
  }

  @Test
  void aRefusalIsA503ToRetryNotAnAnswer() throws Exception {
    start(60);
    CompletableFuture<HttpResponse<String>> response = post(body(false, "hello"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.noticeAbout(
        m.chat(),
        m.messageId(),
        NoticeKind.RETRY_LATER,
        "Switchboard is overloaded; send it again in a minute.");
    HttpResponse<String> r = response.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(r.body()).path("error").path("message").asString())
        .contains("overloaded");
  }

  @Test
  void aQuestionNoClientCanAnswerIsDeniedAtOnce() throws Exception {
    start(60);
    post(body(false, "delete the files"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.replyStarted(m.chat(), m.messageId());
    adapter.noticeAbout(m.chat(), m.messageId(), NoticeKind.QUESTION, "Allow rm -rf? /approve");
    InboundMessage deny = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(deny.text()).isEqualTo("/deny");
    assertThat(deny.chat()).isEqualTo(m.chat());
    assertThat(deny.messageId()).isNotEqualTo(m.messageId());
  }

  @Test
  void aRequestThatTimesOutGets504AndItsTurnIsStopped() throws Exception {
    start(60, Duration.ofSeconds(1));
    CompletableFuture<HttpResponse<String>> response = post(body(false, "slow"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.replyStarted(m.chat(), m.messageId());
    HttpResponse<String> r = response.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).path("error").path("message").asString())
        .contains("platforms.api.turn_timeout");
    InboundMessage stop = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(stop.text()).isEqualTo("/stop");
    assertThat(stop.chat()).isEqualTo(m.chat());
  }

  @Test
  void earlierMessagesTravelAsATranscriptUnlessTheGatewayKeepsTheSession() throws Exception {
    start(60);
    post(body(false, "my name is Ada", "Hello Ada", "what is my name?"), KEY);
    InboundMessage oneOff = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(oneOff.text())
        .contains("[user] my name is Ada")
        .contains("[assistant] Hello Ada")
        .endsWith("Reply to this message:\nwhat is my name?");
    client.sendAsync(
        request("/v1/chat/completions", KEY)
            .header("Content-Type", "application/json")
            .header("X-Switchboard-Session", "ada-1")
            .POST(HttpRequest.BodyPublishers.ofString(body(false, "earlier", "ok", "now")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    InboundMessage kept = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(kept.text()).isEqualTo("now");
    assertThat(kept.chat().chatId()).isEqualTo("session:ada-1");
    // a second request in the same session while the first waits
    HttpResponse<String> busy = client.send(
        request("/v1/chat/completions", KEY)
            .header("Content-Type", "application/json")
            .header("X-Switchboard-Session", "ada-1")
            .POST(HttpRequest.BodyPublishers.ofString(body(false, "again")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(busy.statusCode()).isEqualTo(409);
  }

  @Test
  void badRequestsName400sParameter() throws Exception {
    start(60);
    String[][] cases = {
      {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model"},
      {"{\"model\":\"m\",\"messages\":[]}", "messages"},
      {
        "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}",
        "messages[0].role"
      },
      {"{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}", "messages"},
      {
        "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "stream"
      },
      {
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
        "messages[0].content[0].image_url"
      },
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(c[0], KEY).get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").path("param").asString())
          .as(c[0])
          .isEqualTo(c[1]);
    }
    assertThat(inbound).isEmpty();
  }

  /** Asserts OpenAI's error shape: exactly message, type, param and code under "error". */
  private static JsonNode openAiError(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("Server")).isEmpty();
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.isObject()).as(r.body()).isTrue();
    assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.path("message").asString())
        .isNotBlank()
        .doesNotContain("Exception")
        .doesNotContainIgnoringCase("jetty");
    return error;
  }

  @Test
  void aNumberOutOfRangeInvalidUtf8AndABodyOverTheLimitAreOpenAiErrors() throws Exception {
    start(60);
    HttpResponse<String> huge = post(
            "{\"model\":\"m\",\"n\":4294967297,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            KEY)
        .get(10, TimeUnit.SECONDS);
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(openAiError(huge).path("param").asString()).isEqualTo("n");

    byte[] latin1 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"}]}"
        .getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> notUtf8 = client.send(
        request("/v1/chat/completions", KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(latin1))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notUtf8.statusCode()).isEqualTo(400);
    JsonNode utf8Error = openAiError(notUtf8);
    assertThat(utf8Error.path("type").asString()).isEqualTo("invalid_request_error");
    assertThat(utf8Error.path("message").asString()).contains("UTF-8");

    // Over the limit with a Content-Length: refused by the server before the API sees it.
    byte[] big = new byte[(int) ApiServerAdapter.MAX_REQUEST_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> tooBig = client.send(
        request("/v1/chat/completions", KEY)
            .header("Content-Type", "application/json")
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofByteArray(big))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(tooBig.statusCode()).isEqualTo(413);
    JsonNode tooBigError = openAiError(tooBig);
    assertThat(tooBigError.path("type").asString()).isEqualTo("invalid_request_error");
    assertThat(tooBigError.path("message").asString())
        .contains(Long.toString(ApiServerAdapter.MAX_REQUEST_BYTES));

    // Chunked, so only reading finds it too big: the API's own refusal, in the same shape.
    HttpResponse<String> chunked = client.send(
        request("/v1/chat/completions", KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(big)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(openAiError(chunked).path("message").asString())
        .contains(Long.toString(ApiServerAdapter.MAX_REQUEST_BYTES));

    // Within the limit, but its JSON besides files is more than any other body may have.
    String padded = "{\"model\":\"m\"," + " ".repeat((int) HttpServer.MAX_REQUEST_BYTES)
        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    HttpResponse<String> tooMuchJson = post(padded, KEY).get(10, TimeUnit.SECONDS);
    assertThat(tooMuchJson.statusCode()).isEqualTo(413);
    assertThat(openAiError(tooMuchJson).path("message").asString())
        .contains("apart from its files")
        .contains(Long.toString(HttpServer.MAX_REQUEST_BYTES));
    assertThat(inbound).isEmpty();
  }

  @Test
  void theRateLimitAnswers429WithRetryAfterAndRefills() throws Exception {
    start(2);
    for (int i = 0; i < 2; i++) {
      post(body(false, "r" + i), KEY);
      InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
      adapter.noticeAbout(m.chat(), m.messageId(), NoticeKind.ANSWER, "ok");
    }
    HttpResponse<String> limited = post(body(false, "r2"), KEY).get(10, TimeUnit.SECONDS);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(JSON.readTree(limited.body()).path("error").path("code").asString())
        .isEqualTo("rate_limit_exceeded");
    ticker.advance(Duration.ofSeconds(30));
    CompletableFuture<HttpResponse<String>> allowed = post(body(false, "r3"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(m.text()).isEqualTo("r3");
    adapter.noticeAbout(m.chat(), m.messageId(), NoticeKind.ANSWER, "ok");
    assertThat(allowed.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void whileDrainingNewRequestsGet503AndWaitingOnesAreAnsweredOrAborted() throws Exception {
    start(60);
    CompletableFuture<HttpResponse<String>> waiting = post(body(false, "slow"), KEY);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    adapter.replyStarted(m.chat(), m.messageId());
    context.draining = true;
    HttpResponse<String> refused = post(body(false, "new"), KEY).get(10, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(waiting).isNotDone();
    adapter.disconnect();
    HttpResponse<String> aborted = waiting.get(10, TimeUnit.SECONDS);
    assertThat(aborted.statusCode()).isEqualTo(503);
    assertThat(aborted.headers().firstValue("Retry-After")).isPresent();
    assertThat(aborted.body()).contains("send the request again");
  }
}
