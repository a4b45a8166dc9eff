package dev.switchboard.agent.openai;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TokenUsage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.common.JettyCalls;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers turns with {@code POST {base_url}/chat/completions} of OpenAI's Chat Completions API,
 * streamed (server-sent events) or not.
 *
 * <p>What a turn does when things go wrong:
 * <ul>
 *   <li>429 and 5xx are retried up to {@code max_retries} times, after the server's
 *       {@code Retry-After} or else an exponential backoff with full jitter. Only an answer that
 *       failed before any text was shown is retried: a reply is never sent twice.
 *   <li>A stream that breaks off after some text fails the turn with a message saying the reply
 *       above is incomplete; the text already streamed stays in the chat.
 *   <li>{@link TurnControl#cancel} aborts the HTTP exchange at once (the request future is
 *       cancelled and the body stream closed, which closes the connection); {@link #run} then
 *       returns the text streamed so far. An interrupt without a cancel throws
 *       {@link InterruptedException}.
 *   <li>A watchdog enforces the idle timeout (silence between stream chunks; the HTTP client's
 *       own timeout only covers the response headers) and the turn timeout.
 * </ul>
 *
 * <p>Images the user sends go as {@code image_url} parts (see {@link UserMessage}) as
 * {@code agent.openai.vision} says. With {@code auto}, a server that answers that the model
 * takes no images ({@link ImageRefusal}) gets the same turn once more with a note in place of
 * each image, and the model is remembered as blind for as long as this backend lives: its later
 * turns send the notes at once. The user is told once per model, in a line before the reply,
 * since a backend has no other way to speak to the chat.
 */
public final class OpenAiBackend implements AgentBackend {
  private static final Logger log = LoggerFactory.getLogger(OpenAiBackend.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MAX_BODY = 32 * 1024 * 1024;
  /** Model calls under way at once; far above the turns a gateway runs together. */
  private static final int MAX_CONNECTIONS = 1024;

  private static final Duration BACKOFF_CAP = Duration.ofSeconds(30);

  private final OpenAiSettings settings;
  private final Failures failures;
  private final ExecutorService executor;
  private final HttpClient http;
  /** Models that answered that they take no images (vision auto). */
  private final Set<String> blind = ConcurrentHashMap.newKeySet();

  OpenAiBackend(OpenAiSettings settings) {
    this.settings = settings;
    this.failures = new Failures(settings);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    // Jetty's client (JettyCalls says why), HTTP/1.1 only: closing the body of an answer still
    // under way closes its connection, so the server sees a /stop at once and stops generating.
    this.http = JettyCalls.start("model-http", settings.connectTimeout());
    // Every turn waiting on the model holds a connection; one queued for a free one would have
    // its silence counted against the idle timeout.
    http.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
  }

  @Override
  public String describe() {
    return "openai-compatible (" + settings.model() + " at " + settings.shownBaseUrl() + ")";
  }

  @Override
  public String defaultModel() {
    return settings.model();
  }

  @Override
  public List<String> models() {
    return settings.models();
  }

  @Override
  public void close() {
    JettyCalls.stop(http);
    executor.shutdownNow();
  }

  @Override
  public TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
      throws AgentException, InterruptedException {
    String model = request.model() != null ? request.model() : settings.model();
    boolean images = switch (settings.vision()) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> !blind.contains(model);
    };
    UserMessage message = UserMessage.of(request, images, messageBudget());
    byte[] body = requestBody(model, request, message);
    Call call = new Call(settings, control, executor);
    control.onCancel(call::cancel);
    try {
      int retries = 0;
      while (true) {
        call.checkAborted(failures);
        try {
          return exchange(call, body, model, output, message.hasImages());
        } catch (Retry retry) {
          Duration wait = retry.after != null ? retry.after : jitter(retries);
          if (retries >= settings.maxRetries() || wait.compareTo(call.remaining()) >= 0) {
            throw failures.forStatus(retry.status, retry.error, model, retries);
          }
          log.info(
              "model server answered HTTP {}; retry {} of {} in {} ms",
              retry.status,
              retries + 1,
              settings.maxRetries(),
              wait.toMillis());
          call.pause(wait, failures);
          retries++;
        } catch (ImagesRefused refused) {
          if (blind.add(model)) {
            log.info(
                "model {} at {} takes no images (HTTP {}: {}); its turns send a note in place of"
                    + " each image from now on (agent.openai.vision: auto)",
                model,
                settings.shownBaseUrl(),
                refused.status,
                failures.mask(refused.error.message()));
            call.notice(
                "(The model " + model + " cannot see images, so it got your message with a note"
                    + " in place of each image.)",
                output);
          }
          message = UserMessage.of(request, false, messageBudget());
          body = requestBody(model, request, message);
        }
      }
    } catch (Stopped s) {
      return call.result();
    } finally {
      call.finish();
    }
  }

  /** Full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
  private Duration jitter(int attempt) {
    long bound = Math.min(
        BACKOFF_CAP.toMillis(), settings.backoffBase().toMillis() << Math.min(attempt, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** The tokens the new message may use: the context budget less the system prompt. */
  private long messageBudget() {
    String system = settings.systemPrompt();
    return (long) settings.contextTokens() - (system == null ? 0 : HistoryBudget.estimate(system));
  }

  byte[] requestBody(String model, TurnRequest request, UserMessage message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode messages = root.putArray("messages");
    String system = settings.systemPrompt();
    if (system != null) {
      messages.addObject().put("role", "system").put("content", system);
    }
    for (ChatMessage m :
        HistoryBudget.fit(system, request.history(), message.tokens(), settings.contextTokens())) {
      String role = ChatMessage.ASSISTANT.equals(m.role()) ? "assistant" : "user";
      messages.addObject().put("role", role).put("content", m.text());
    }
    messages.addObject().put("role", "user").set("content", message.content());
    root.put("stream", settings.stream());
    if (settings.stream()) {
      root.putObject("stream_options").put("include_usage", true);
    }
    if (settings.temperature() != null) {
      root.put("temperature", settings.temperature());
    }
    if (settings.maxTokens() != null) {
      root.put("max_tokens", settings.maxTokens());
    }
    return JSON.writeValueAsBytes(root);
  }

  private TurnResult exchange(
      Call call, byte[] body, String model, TurnOutput output, boolean imagesSent)
      throws AgentException, InterruptedException, Retry, ImagesRefused, Stopped {
    Request req = http.POST(settings.completionsUri())
        // The call's own watchdog ends an exchange that is silent too long (agent.openai's idle
        // and turn timeouts); the connection must not give up before it.
        .idleTimeout(settings.turnTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)
        .headers(h -> {
          // No compression: a proxy that gzips a stream may hold back its events.
          h.remove(HttpHeader.ACCEPT_ENCODING);
          h.put(HttpHeader.ACCEPT, settings.stream() ? "text/event-stream" : "application/json");
          if (settings.apiKey() != null) {
            h.put(HttpHeader.AUTHORIZATION, "Bearer " + settings.apiKey());
          }
        })
        .body(new BytesRequestContent("application/json", body));
    // Streaming: the headers come with the first chunk, so the silence before them counts too.
    call.watchIdle(settings.stream());
    InputStreamResponseListener answer = new InputStreamResponseListener();
    CompletableFuture<Response> pending = headersOf(req);
    call.attach(() -> abort(req));
    req.send(answer);
    call.attach(pending);
    Response response;
    try {
      response = pending.get();
    } catch (InterruptedException e) {
      pending.cancel(true);
      throw call.failed(e, failures);
    } catch (ExecutionException | CancellationException e) {
      throw call.failed(e, failures);
    }
    try (InputStream in = new AnswerBody(answer.getInputStream())) {
      call.attach(in);
      call.watchIdle(true);
      int status = response.getStatus();
      if (status != 200) {
        String text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        Failures.ServerError error = Failures.ServerError.parse(text);
        if (imagesSent && ImageRefusal.isRefusal(status, error)) {
          if (settings.vision() == OpenAiBackendFactory.Vision.AUTO) {
            throw new ImagesRefused(status, error);
          }
          throw failures.imagesRefused(status, error, model);
        }
        if (Failures.retryable(status, error)) {
          throw new Retry(
              status,
              error,
              Failures.retryAfter(
                  response.getHeaders().get(HttpHeader.RETRY_AFTER), Instant.now()));
        }
        throw failures.forStatus(status, error, model, 0);
      }
      return settings.stream()
          ? readStream(call, in, model, output)
          : readWhole(call, in, model, output);
    } catch (IOException e) {
      throw call.failed(e, failures);
    }
  }

  /**
   * The answer's status and headers once they came, or the exchange's failure. A /stop or a
   * timeout aborts the request itself (through {@link Call#attach(Runnable)}).
   */
  private static CompletableFuture<Response> headersOf(Request req) {
    CompletableFuture<Response> headers = new CompletableFuture<>();
    req.onResponseHeaders(headers::complete).onComplete(result -> {
      if (result.isFailed()) {
        headers.completeExceptionally(result.getFailure());
      }
    });
    return headers;
  }

  private static void abort(Request req) {
    CompletableFuture<Boolean> _ = req.abort(new CancellationException("the turn ended"));
  }

  /**
   * The answer's body as the readers expect it: Jetty's stream rethrows a failure that is not
   * an IOException (a malformed chunk, an abort) as it is, and here every failure to read is one.
   */
  private static final class AnswerBody extends FilterInputStream {
    AnswerBody(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (RuntimeException e) {
        throw new IOException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (RuntimeException e) {
        throw new IOException(e);
      }
    }
  }

  private TurnResult readStream(Call call, InputStream in, String model, TurnOutput output)
      throws IOException, AgentException, InterruptedException, Stopped {
    SseReader events = new SseReader(in, call::touch);
    boolean done = false;
    String finish = null;
    String data;
    while ((data = events.next()) != null) {
      if (data.strip().equals("[DONE]")) {
        done = true;
        break;
      }
      JsonNode chunk = parse(data);
      if (chunk.has("error")) {
        throw failures.inBody(chunk.get("error"), model);
      }
      call.usage(chunk.path("usage"));
      JsonNode choice = chunk.path("choices").path(0);
      JsonNode content = choice.path("delta").path("content");
      if (content.isString() && !content.stringValue().isEmpty()) {
        call.append(content.stringValue(), output);
      }
      if (choice.path("finish_reason").isString()) {
        finish = choice.path("finish_reason").stringValue();
      }
    }
    call.checkAborted(failures); // a close by /stop or the watchdog can look like a clean end
    if (!done && finish == null) {
      throw call.hasText() ? failures.brokenOff() : failures.malformed("empty stream");
    }
    return call.result();
  }

  private TurnResult readWhole(Call call, InputStream in, String model, TurnOutput output)
      throws IOException, AgentException, InterruptedException, Stopped {
    byte[] bytes = in.readNBytes(MAX_BODY);
    call.checkAborted(failures);
    JsonNode root = parse(new String(bytes, StandardCharsets.UTF_8));
    if (root.has("error")) {
      throw failures.inBody(root.get("error"), model);
    }
    JsonNode content = root.path("choices").path(0).path("message").path("content");
    if (!content.isString() && !content.isNull()) {
      throw failures.malformed("no choices[0].message.content");
    }
    call.usage(root.path("usage"));
    if (content.isString() && !content.stringValue().isEmpty()) {
      call.append(content.stringValue(), output);
    }
    return call.result();
  }

  private JsonNode parse(String json) throws AgentException {
    try {
      return JSON.readTree(json);
    } catch (JacksonException e) {
      throw failures.malformed(json.length() > 80 ? json.substring(0, 80) + "..." : json);
    }
  }

  /** A 429 or 5xx answer, to be retried if the budget allows. */
  static final class Retry extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Failures.ServerError error;
    final transient @Nullable Duration after;

    Retry(int status, Failures.ServerError error, @Nullable Duration after) {
      super(null, null, false, false);
      this.status = status;
      this.error = error;
      this.after = after;
    }
  }

  /** The server said the model takes no images: send the turn again without them. */
  static final class ImagesRefused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Failures.ServerError error;

    ImagesRefused(int status, Failures.ServerError error) {
      super(null, null, false, false);
      this.status = status;
      this.error = error;
    }
  }

  /** The turn was cancelled: return what was streamed so far. */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super(null, null, false, false);
    }
  }

  /** Turns an {@link InterruptedIOException} and friends into their meaning. */
  static boolean isInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || (t instanceof InterruptedIOException
              && !(t instanceof HttpTimeoutException)
              // Jetty's connect timeout
              && !(t instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  static @Nullable TokenUsage usageOf(JsonNode usage) {
    if (!usage.isObject()) {
      return null;
    }
    long in = Math.max(0, usage.path("prompt_tokens").asLong(0));
    long out = Math.max(0, usage.path("completion_tokens").asLong(0));
    return new TokenUsage(in, out);
  }
}
