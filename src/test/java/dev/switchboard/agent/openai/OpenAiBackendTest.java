package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TokenUsage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiBackendTest {
  private FakeOpenAiServer server;
  private OpenAiBackend backend;
  private final List<String> deltas = new CopyOnWriteArrayList<>();
  private final TurnOutput output = deltas::add;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAiServer();
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    server.close();
  }

  private OpenAiBackend backend(Consumer<TestSettings> change) {
    TestSettings s = new TestSettings(server.baseUrl());
    change.accept(s);
    backend = new OpenAiBackend(s.build());
    return backend;
  }

  /** A turn on "hi" run on a virtual thread, to be cancelled through {@code control}. */
  private CompletableFuture<TurnResult> inBackground(TurnControl control) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return backend.run(turn("hi"), output, control);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
  }

  private static TurnRequest turn(String text) {
    return turn(text, List.of(), null);
  }

  private static TurnRequest turn(String text, List<ChatMessage> history, String model) {
    return new TurnRequest(
        "s#1",
        ChatRef.of("telegram", "42"),
        new Sender("42", "Ann"),
        text,
        history,
        model,
        Approver.DENY_ALL);
  }

  private TurnResult run(TurnRequest request) throws Exception {
    return backend.run(request, output, new TurnControl());
  }

  private AgentException failure(TurnRequest request) {
    AtomicReference<AgentException> caught = new AtomicReference<>();
    assertThatThrownBy(() -> run(request))
        .isInstanceOfSatisfying(AgentException.class, caught::set);
    return caught.get();
  }

  // --- the happy paths ---

  @Test
  void streamedDeltasArriveInOrderAndMakeTheResult() throws Exception {
    server.then(Reply.text("One", " two", " three", ".").usage(21, 4));
    backend(s -> {});

    TurnResult result = run(turn("count"));

    assertThat(deltas).containsExactly("One", " two", " three", ".");
    assertThat(result.text()).isEqualTo("One two three.");
    assertThat(result.usage()).isEqualTo(new TokenUsage(21, 4));
    FakeOpenAiServer.Recorded sent = server.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.stream()).isTrue();
    assertThat(sent.body().path("stream_options").path("include_usage").asBoolean())
        .isTrue();
    assertThat(sent.accept()).isEqualTo("text/event-stream");
    assertThat(sent.model()).isEqualTo("llama3.2");
    assertThat(sent.authorization()).isEqualTo("Bearer " + TestSettings.KEY);
    assertThat(sent.messages()).containsExactly("user: count");
  }

  @Test
  void keepAliveCommentsAndEventsSpreadOverSeveralDataLinesAreRead() throws Exception {
    server.then(Reply.text("a", "b", "c").keepAlives().splitData());
    backend(s -> {});

    assertThat(run(turn("hi")).text()).isEqualTo("abc");
    assertThat(deltas).containsExactly("a", "b", "c");
  }

  @Test
  void nonStreamingAnswersAreReadWhole() throws Exception {
    server.then(Reply.text("Whole", " answer").usage(5, 2));
    backend(s -> {
      s.stream = false;
      s.temperature = 0.3;
      s.maxTokens = 99;
    });

    TurnResult result = run(turn("hi"));

    assertThat(result.text()).isEqualTo("Whole answer");
    assertThat(deltas).containsExactly("Whole answer");
    assertThat(result.usage()).isEqualTo(new TokenUsage(5, 2));
    FakeOpenAiServer.Recorded sent = server.lastRequest();
    assertThat(sent.stream()).isFalse();
    assertThat(sent.body().has("stream_options")).isFalse();
    assertThat(sent.body().path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(99);
  }

  @Test
  void systemPromptHistoryAndTheCurrentMessageAreSentInOrder() throws Exception {
    backend(s -> s.systemPrompt = "Be brief.");

    run(turn(
        "and now?",
        List.of(
            new ChatMessage(ChatMessage.USER, "first"),
            new ChatMessage(ChatMessage.ASSISTANT, "reply one")),
        null));

    assertThat(server.lastRequest().messages())
        .containsExactly(
            "system: Be brief.", "user: first", "assistant: reply one", "user: and now?");
  }

  @Test
  void historyOverTheBudgetLosesItsOldestMessagesButKeepsSystemAndCurrent() throws Exception {
    String hundredTokens = "x".repeat(384); // 96 + 4 per message
    List<ChatMessage> history = List.of(
        new ChatMessage(ChatMessage.USER, "old " + hundredTokens),
        new ChatMessage(ChatMessage.ASSISTANT, "mid " + hundredTokens),
        new ChatMessage(ChatMessage.USER, "new " + hundredTokens));
    backend(s -> {
      s.systemPrompt = "sys";
      s.contextTokens = 5 + 5 + 2 * 101 + 50; // system, current, two history messages, slack
    });

    run(turn("now", history, null));

    assertThat(server.lastRequest().messages())
        .extracting(m -> m.substring(0, 9))
        .containsExactly("system: s", "assistant", "user: new", "user: now");
  }

  @Test
  void aSessionsModelChoiceOverridesTheConfiguredModel() throws Exception {
    backend(s -> {});

    run(turn("hi", List.of(), "qwen2.5"));

    assertThat(server.lastRequest().model()).isEqualTo("qwen2.5");
  }

  @Test
  void noAuthorizationHeaderIsSentWithoutAKey() throws Exception {
    backend(s -> s.apiKey = null);

    run(turn("hi"));

    assertThat(server.lastRequest().authorization()).isNull();
  }

  @Test
  void describeNamesModelAndServerButNeverTheKey() {
    backend(s -> {});

    assertThat(backend.describe())
        .isEqualTo("openai-compatible (llama3.2 at " + server.baseUrl() + ")")
        .doesNotContain(TestSettings.KEY);
    assertThat(backend.defaultModel()).isEqualTo("llama3.2");
  }

  // --- retries ---

  @Test
  void aRateLimitIsRetriedAfterRetryAfter() throws Exception {
    server.then(Reply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached")
        .retryAfter("1"));
    backend(s -> {});

    long start = System.nanoTime();
    TurnResult result = run(turn("hi"));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.text()).isEqualTo("Hello there!");
    assertThat(server.requests()).hasSize(2);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilOneSucceeds() throws Exception {
    server.then(
        Reply.error(500, "server_error", null, "The server had an error"),
        Reply.error(503, "server_error", null, "Overloaded"));
    backend(s -> {});

    assertThat(run(turn("hi")).text()).isEqualTo("Hello there!");
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void serverErrorsGiveUpAfterMaxRetriesWithTheServersMessage() {
    server.byDefault(Reply.error(502, "server_error", null, "Bad gateway upstream"));
    backend(s -> s.maxRetries = 2);

    AgentException e = failure(turn("hi"));

    assertThat(server.requests()).hasSize(3);
    assertThat(e.userMessage()).contains("HTTP 502").contains("Bad gateway upstream");
  }

  @Test
  void aRetryAfterBeyondTheTurnTimeoutFailsAtOnce() {
    server.then(
        Reply.error(429, "requests", "rate_limit_exceeded", "slow down").retryAfter("3600"));
    backend(s -> {});

    long start = System.nanoTime();
    AgentException e = failure(turn("hi"));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.userMessage()).contains("rate-limiting");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anExhaustedQuotaIsNotRetried() {
    server.then(Reply.error(
        429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota"));
    backend(s -> {});

    AgentException e = failure(turn("hi"));

    assertThat(server.requests()).hasSize(1);
    assertThat(e.userMessage()).contains("quota");
  }

  // Decision: text already streamed is never sent again. The turn fails with a message saying
  // the reply is incomplete; what was streamed stays in the chat (the dispatcher puts the
  // message under it).
  @Test
  void aStreamCutOffAfterSomeTextIsNotRetriedAndSaysTheReplyIsIncomplete() {
    server.then(Reply.text("Part", " one", " never").disconnectAfter(2));
    backend(s -> {});

    AgentException e = failure(turn("hi"));

    assertThat(deltas).containsExactly("Part", " one");
    assertThat(e.userMessage()).contains("incomplete");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anErrorEventInTheStreamFailsTheTurnWithItsMessage() {
    server.then(Reply.text("Hi").streamError("The model is overloaded", null));
    backend(s -> {});

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage()).contains("The model is overloaded");
    assertThat(server.requests()).hasSize(1);
  }

  // --- errors the user can act on ---

  @Test
  void aRefusedKeyPointsAtOpenaiApiKeyAndNeverShowsIt() {
    server.then(Reply.error(
        401,
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided: " + TestSettings.KEY + ". Find your key at ..."));
    backend(s -> {});

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage())
        .contains("OPENAI_API_KEY")
        .doesNotContain(TestSettings.KEY)
        .doesNotContain("9f8e7d");
    assertThat(e.getMessage()).doesNotContain(TestSettings.KEY).doesNotContain("9f8e7d");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anUnknownModelIsNamedWithTheConfiguredChoices() {
    server.then(Reply.error(
        404,
        "invalid_request_error",
        "model_not_found",
        "The model `gpt-9` does not exist or you do not have access to it."));
    backend(s -> s.models = List.of("llama3.2", "qwen2.5"));

    AgentException e = failure(turn("hi", List.of(), "gpt-9"));

    assertThat(e.userMessage()).contains("Unknown model \"gpt-9\"").contains("llama3.2, qwen2.5");
  }

  @Test
  void aWrongPathSaysToCheckTheBaseUrl() {
    backend(s -> s.baseUrl = server.baseUrl().replace("/v1", "/nope"));

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage()).contains("HTTP 404").contains("OPENAI_BASE_URL");
  }

  @Test
  void aConversationTooLongForTheModelSuggestsNew() {
    server.then(Reply.error(
            400,
            "invalid_request_error",
            "context_length_exceeded",
            "This model's maximum context length is 8192 tokens.")
        .param("messages"));
    backend(s -> {});

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage()).contains("too long").contains("/new");
  }

  @Test
  void aRefusedConnectionNamesHostAndPort() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    int closedPort = port;
    backend(s -> s.baseUrl = "http://127.0.0.1:" + closedPort + "/v1");

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage()).contains("Cannot reach").contains("127.0.0.1:" + closedPort);
  }

  @Test
  void aConnectionNeverAcceptedSaysNoConnectionWithinTheConnectTimeout() throws Exception {
    // A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket s = new Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 300);
            queued.add(s);
          } catch (IOException e) {
            s.close();
            break; // the queue is full
          }
        }
        int port = full.getLocalPort();
        backend(s -> {
          s.baseUrl = "http://127.0.0.1:" + port + "/v1";
          s.connectTimeout = Duration.ofMillis(500);
        });

        AgentException e = failure(turn("hi"));

        assertThat(e.userMessage())
            .startsWith("Cannot reach the model server at 127.0.0.1:" + port)
            .contains("no connection within");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  // --- timeouts and cancel ---

  @Test
  void aSilentStreamFailsAfterTheIdleTimeout() {
    server.then(Reply.text("a", "b").chunkDelay(Duration.ofSeconds(5)));
    backend(s -> s.idleTimeout = Duration.ofMillis(300));

    long start = System.nanoTime();
    AgentException e = failure(turn("hi"));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.userMessage()).contains("nothing for 300ms");
  }

  @Test
  void keepAlivesBetweenSlowChunksCountAsActivity() throws Exception {
    server.then(Reply.text("a", "b")
        .chunkDelay(Duration.ofMillis(900))
        .keepAliveEvery(Duration.ofMillis(100)));
    backend(s -> s.idleTimeout = Duration.ofMillis(400));

    assertThat(run(turn("hi")).text()).isEqualTo("ab");
  }

  @Test
  void theTurnTimeoutBoundsAStreamThatNeverEnds() {
    server.then(Reply.text("a", "b", "c", "d", "e", "f").chunkDelay(Duration.ofMillis(200)));
    backend(s -> s.turnTimeout = Duration.ofMillis(500));

    AgentException e = failure(turn("hi"));

    assertThat(e.userMessage()).contains("No answer from the model within 500ms");
  }

  @Test
  void cancelDuringASlowStreamReturnsThePartialTextWithinASecond() throws Exception {
    server.then(Reply.text("one", " two", " three", " four", " five", " six", " seven")
        .chunkDelay(Duration.ofMillis(300)));
    backend(s -> {});
    TurnControl control = new TurnControl();

    CompletableFuture<TurnResult> result = inBackground(control);
    await().atMost(Duration.ofSeconds(5)).until(() -> deltas.size() >= 2);
    long start = System.nanoTime();
    control.cancel(TurnControl.Reason.USER_STOP);
    TurnResult r = result.get(5, java.util.concurrent.TimeUnit.SECONDS);
    Duration latency = Duration.ofNanos(System.nanoTime() - start);

    System.out.println("cancel latency: " + latency.toMillis() + " ms");
    assertThat(latency).isLessThan(Duration.ofSeconds(1));
    assertThat(r.text()).isEqualTo(String.join("", deltas)).startsWith("one two");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.clientDisconnects() == 1);
  }

  @Test
  void cancelWhileTheStreamIsSilentReturnsAtOnceAndClosesTheConnection() throws Exception {
    // A model server of a few lines, because it must notice the client hanging up while it is
    // itself silent: it sends one delta, then only reads, and a read ends when the client goes.
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CountDownLatch hungUp = new CountDownLatch(1);
      Thread.ofVirtual().start(() -> serveOneDeltaThenListen(listener, hungUp));
      backend(s -> s.baseUrl = "http://127.0.0.1:" + listener.getLocalPort() + "/v1");
      TurnControl control = new TurnControl();

      CompletableFuture<TurnResult> result = inBackground(control);
      await().atMost(Duration.ofSeconds(5)).until(() -> deltas.size() == 1);
      long start = System.nanoTime();
      control.cancel(TurnControl.Reason.USER_STOP);
      TurnResult r = result.get(5, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(r.text()).isEqualTo("one");
      // the server learns of the stop at once, not when it next writes
      assertThat(hungUp.await(1, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void serveOneDeltaThenListen(ServerSocket listener, CountDownLatch hungUp) {
    try (Socket s = listener.accept()) {
      InputStream in = s.getInputStream();
      String head = "";
      while (!head.endsWith("\r\n\r\n")) {
        head += (char) in.read();
      }
      Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
      in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
      String event = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
          + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"},"
          + "\"finish_reason\":null}]}\n\n";
      byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(bytes.length) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (in.read() < 0) {
        hungUp.countDown();
      }
    } catch (IOException e) {
      hungUp.countDown(); // a reset is a hang-up too
    }
  }

  @Test
  void cancelBeforeTheServerAnswersReturnsAtOnceWithNoText() throws Exception {
    server.then(Reply.text("late").headerDelay(Duration.ofSeconds(10)));
    backend(s -> s.stream = false);
    TurnControl control = new TurnControl();

    CompletableFuture<TurnResult> result = inBackground(control);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.requests().size() == 1);
    long start = System.nanoTime();
    control.cancel(TurnControl.Reason.USER_STOP);
    TurnResult r = result.get(5, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(r.text()).isEmpty();
  }

  @Test
  void cancelDuringARetryWaitEndsTheTurn() throws Exception {
    server.then(Reply.error(429, "requests", null, "slow down").retryAfter("10"));
    backend(s -> {});
    TurnControl control = new TurnControl();

    CompletableFuture<TurnResult> result = inBackground(control);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.requests().size() == 1);
    control.cancel(TurnControl.Reason.USER_STOP);

    assertThat(result.get(1, java.util.concurrent.TimeUnit.SECONDS).text()).isEmpty();
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anInterruptWithoutACancelThrowsInterruptedException() throws Exception {
    server.then(Reply.text("a", "b", "c").chunkDelay(Duration.ofSeconds(2)));
    backend(s -> {});
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread t = Thread.ofVirtual().start(() -> {
      try {
        backend.run(turn("hi"), output, new TurnControl());
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> server.requests().size() == 1);
    t.interrupt();

    await().atMost(Duration.ofSeconds(1)).until(() -> thrown.get() != null);
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }
}
