package dev.switchboard.agent.openai.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible server for tests, speaking the published Chat Completions wire format:
 * {@code POST /v1/chat/completions} answers a {@code chat.completion} object, or with
 * {@code "stream": true} a {@code text/event-stream} of {@code chat.completion.chunk} objects
 * (a first chunk with the role, one per delta, one with {@code finish_reason}, a usage chunk
 * with empty {@code choices} when {@code stream_options.include_usage} is set, then
 * {@code data: [DONE]}). Errors have the shape
 * {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>Each request takes the next scripted {@link Reply}, or the default one when the script is
 * empty (a fixed reply, or one made from the request), and is recorded so tests can check what
 * was sent.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A request as received. */
  public record Recorded(String path, String authorization, String accept, JsonNode body) {
    public String model() {
      return body.path("model").stringValue();
    }

    public boolean stream() {
      return body.path("stream").asBoolean(false);
    }

    /**
     * "role: content" per message, in order; content given as parts shows their texts, and
     * "[image_url]" for an image, one per line.
     */
    public List<String> messages() {
      List<String> out = new ArrayList<>();
      body.path("messages")
          .forEach(m -> out.add(m.path("role").stringValue() + ": " + text(m.path("content"))));
      return out;
    }

    /** The content of the last message: a string, or the array of parts. */
    public JsonNode lastContent() {
      JsonNode messages = body.path("messages");
      return messages.path(messages.size() - 1).path("content");
    }

    private static String text(JsonNode content) {
      if (!content.isArray()) {
        return content.stringValue();
      }
      List<String> parts = new ArrayList<>();
      content.forEach(p -> parts.add(
          "image_url".equals(p.path("type").stringValue())
              ? "[image_url]"
              : p.path("text").stringValue()));
      return String.join("\n", parts);
    }
  }

  /** What to answer one request with. */
  public static final class Reply {
    private int status = 200;
    private String errorMessage;
    private String errorType;
    private String errorCode;
    private String errorParam;
    private String retryAfter;
    private List<String> deltas = List.of();
    private Duration headerDelay = Duration.ZERO;
    private Duration chunkDelay = Duration.ZERO;
    private boolean keepAlives;
    private Duration keepAliveEvery;
    private boolean splitData;
    private int disconnectAfter = -1;
    private int stallAfter = -1;
    private JsonNode streamError;
    private long promptTokens = 11;
    private long completionTokens = 7;

    private Reply() {}

    /** A successful reply made of these pieces (streamed one chunk each). */
    public static Reply text(String... deltas) {
      Reply r = new Reply();
      r.deltas = List.of(deltas);
      return r;
    }

    /** An error answer in OpenAI's shape. */
    public static Reply error(int status, String type, String code, String message) {
      Reply r = new Reply();
      r.status = status;
      r.errorType = type;
      r.errorCode = code;
      r.errorMessage = message;
      return r;
    }

    public Reply param(String param) {
      this.errorParam = param;
      return this;
    }

    public Reply retryAfter(String value) {
      this.retryAfter = value;
      return this;
    }

    /** Waits this long before sending the response headers. */
    public Reply headerDelay(Duration d) {
      this.headerDelay = d;
      return this;
    }

    /** Waits this long before each chunk of a stream. */
    public Reply chunkDelay(Duration d) {
      this.chunkDelay = d;
      return this;
    }

    /** Sends an SSE comment line (": keep-alive") before every chunk. */
    public Reply keepAlives() {
      this.keepAlives = true;
      return this;
    }

    /** While waiting between chunks, sends an SSE comment this often. */
    public Reply keepAliveEvery(Duration d) {
      this.keepAliveEvery = d;
      return this;
    }

    /** Spreads each chunk's JSON over two {@code data:} lines of one event (valid SSE). */
    public Reply splitData() {
      this.splitData = true;
      return this;
    }

    /** Drops the connection after this many content deltas, without [DONE]. */
    public Reply disconnectAfter(int deltas) {
      this.disconnectAfter = deltas;
      return this;
    }

    /**
     * Stops sending after this many content deltas and holds the connection open, silent, until
     * the client goes away or the server is closed: a model that hangs in the middle of a reply.
     */
    public Reply stallAfter(int deltas) {
      this.stallAfter = deltas;
      return this;
    }

    /** After the deltas, sends an error object as a stream event (as OpenAI does mid-stream). */
    public Reply streamError(String message, String code) {
      ObjectNode e = JSON.createObjectNode();
      e.put("message", message).put("type", "server_error").putNull("param");
      if (code == null) {
        e.putNull("code");
      } else {
        e.put("code", code);
      }
      this.streamError = e;
      return this;
    }

    public Reply usage(long prompt, long completion) {
      this.promptTokens = prompt;
      this.completionTokens = completion;
      return this;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger clientDisconnects = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Function<Recorded, Reply> fallback = r -> Reply.text("Hello", " there", "!");

  public FakeOpenAiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", this::handle);
    server.createContext("/v1/models", this::listModels);
    server.start();
  }

  private volatile List<String> models = List.of("test-model");
  private volatile String requiredKey;
  private volatile boolean recording = true;
  private volatile boolean rejectImages;

  /**
   * From now on a request with an {@code image_url} part is answered as OpenAI answers it for a
   * model without vision: 400 invalid_request_error "Invalid content type. image_url is only
   * supported by certain models.", {@code param} naming the part's type.
   */
  public FakeOpenAiServer rejectImages() {
    this.rejectImages = true;
    return this;
  }

  /** The ids GET /v1/models lists. */
  public FakeOpenAiServer models(String... ids) {
    this.models = List.of(ids);
    return this;
  }

  /** From now on GET /v1/models answers 401 invalid_api_key unless this bearer key is sent. */
  public FakeOpenAiServer requireKey(String key) {
    this.requiredKey = key;
    return this;
  }

  /** OpenAI's GET /v1/models: {"object":"list","data":[{"id","object":"model",...}]}. */
  private void listModels(HttpExchange ex) throws IOException {
    try (ex) {
      requests.add(new Recorded(
          ex.getRequestURI().getPath(),
          ex.getRequestHeaders().getFirst("Authorization"),
          ex.getRequestHeaders().getFirst("Accept"),
          JSON.createObjectNode()));
      String key = requiredKey;
      if (key != null
          && !("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        sendError(
            ex,
            Reply.error(
                401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."));
        return;
      }
      ObjectNode root = JSON.createObjectNode().put("object", "list");
      var data = root.putArray("data");
      for (String id : models) {
        data.addObject()
            .put("id", id)
            .put("object", "model")
            .put("created", 1_700_000_000L)
            .put("owned_by", "system");
      }
      send(ex, 200, "application/json", JSON.writeValueAsBytes(root));
    }
  }

  /** {@code http://127.0.0.1:PORT/v1} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Queues replies for the next requests, in order. */
  public FakeOpenAiServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** The reply when nothing is queued. */
  public void byDefault(Reply reply) {
    this.fallback = r -> reply;
  }

  /**
   * The reply when nothing is queued, made from the request (an answer that names the question,
   * say). Called on the request's own thread, so it may be called concurrently.
   */
  public void byDefault(Function<Recorded, Reply> replyTo) {
    this.fallback = replyTo;
  }

  /**
   * From now on requests are not kept for {@link #requests}: a long run would keep every body,
   * and the history in each grows with the conversation.
   */
  public FakeOpenAiServer keepNoRequests() {
    this.recording = false;
    return this;
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public Recorded lastRequest() {
    return requests.getLast();
  }

  /** Streams the client closed before they were complete (a write failed). */
  public int clientDisconnects() {
    return clientDisconnects.get();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      Recorded recorded = new Recorded(
          ex.getRequestURI().getPath(),
          ex.getRequestHeaders().getFirst("Authorization"),
          ex.getRequestHeaders().getFirst("Accept"),
          body);
      if (recording) {
        requests.add(recorded);
      }
      String imagePart = rejectImages ? imagePart(body) : null;
      Reply reply = imagePart != null
          ? Reply.error(
                  400,
                  "invalid_request_error",
                  null,
                  "Invalid content type. image_url is only supported by certain models.")
              .param(imagePart)
          : script.poll();
      if (reply == null) {
        reply = fallback.apply(recorded);
      }
      sleep(reply.headerDelay);
      String model = body.path("model").stringValue();
      if (reply.status != 200) {
        sendError(ex, reply);
      } else if (body.path("stream").asBoolean(false)) {
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        try {
          stream(ex, reply, model, usage);
        } catch (IOException e) {
          clientDisconnects.incrementAndGet();
        }
      } else {
        sendWhole(ex, reply, model);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** "messages.[i].content.[j].type" of the first image part, or null. */
  private static String imagePart(JsonNode body) {
    JsonNode messages = body.path("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonNode content = messages.get(i).path("content");
      for (int j = 0; j < content.size(); j++) {
        if ("image_url".equals(content.get(j).path("type").stringValue())) {
          return "messages.[" + i + "].content.[" + j + "].type";
        }
      }
    }
    return null;
  }

  private void sendError(HttpExchange ex, Reply reply) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", reply.errorMessage).put("type", reply.errorType);
    putOrNull(error, "param", reply.errorParam);
    putOrNull(error, "code", reply.errorCode);
    if (reply.retryAfter != null) {
      ex.getResponseHeaders().add("Retry-After", reply.retryAfter);
    }
    send(ex, reply.status, "application/json", JSON.writeValueAsBytes(root));
  }

  private void sendWhole(HttpExchange ex, Reply reply, String model) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet())
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", model)
        .putNull("system_fingerprint");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice
        .putObject("message")
        .put("role", "assistant")
        .put("content", String.join("", reply.deltas))
        .putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    usage(root, reply);
    send(ex, 200, "application/json", JSON.writeValueAsBytes(root));
  }

  private void stream(HttpExchange ex, Reply reply, String model, boolean includeUsage)
      throws IOException, InterruptedException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.getResponseHeaders().add("Cache-Control", "no-cache");
    // An abrupt disconnect: a fixed length that is never reached, so closing the exchange
    // drops the connection mid-body; otherwise chunked, as real servers stream.
    ex.sendResponseHeaders(200, reply.disconnectAfter >= 0 ? 1_000_000 : 0);
    OutputStream out = ex.getResponseBody();
    String id = "chatcmpl-" + ids.incrementAndGet();
    long created = System.currentTimeMillis() / 1000;
    ObjectNode first = chunk(id, created, model, includeUsage);
    ((ObjectNode) first.path("choices").path(0))
        .putObject("delta")
        .put("role", "assistant")
        .put("content", "");
    event(out, reply, first);
    int sent = 0;
    for (String delta : reply.deltas) {
      if (sent == reply.disconnectAfter) {
        return; // try-with-resources closes the exchange: connection dropped
      }
      if (sent == reply.stallAfter) {
        closed.await(); // silent until the server closes (a client that gives up just leaves)
        return;
      }
      waitForChunk(out, reply);
      ObjectNode c = chunk(id, created, model, includeUsage);
      ((ObjectNode) c.path("choices").path(0)).putObject("delta").put("content", delta);
      event(out, reply, c);
      sent++;
    }
    if (reply.disconnectAfter >= 0) {
      return;
    }
    if (reply.streamError != null) {
      ObjectNode e = JSON.createObjectNode();
      e.set("error", reply.streamError);
      event(out, reply, e);
      return;
    }
    ObjectNode last = chunk(id, created, model, includeUsage);
    ((ObjectNode) last.path("choices").path(0)).putObject("delta");
    ((ObjectNode) last.path("choices").path(0)).put("finish_reason", "stop");
    event(out, reply, last);
    if (includeUsage) {
      ObjectNode u = chunk(id, created, model, false);
      u.putArray("choices");
      usage(u, reply);
      event(out, reply, u);
    }
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void waitForChunk(OutputStream out, Reply reply)
      throws IOException, InterruptedException {
    if (reply.keepAliveEvery == null) {
      sleep(reply.chunkDelay);
      return;
    }
    long end = System.nanoTime() + reply.chunkDelay.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      sleep(Duration.ofNanos(Math.min(left, reply.keepAliveEvery.toNanos())));
      out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static ObjectNode chunk(String id, long created, String model, boolean nullUsage) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", model)
        .putNull("system_fingerprint");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    if (nullUsage) {
      c.putNull("usage");
    }
    return c;
  }

  private static void usage(ObjectNode node, Reply reply) {
    node.putObject("usage")
        .put("prompt_tokens", reply.promptTokens)
        .put("completion_tokens", reply.completionTokens)
        .put("total_tokens", reply.promptTokens + reply.completionTokens);
  }

  private static void event(OutputStream out, Reply reply, JsonNode json) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (reply.keepAlives) {
      sb.append(": keep-alive\n\n");
    }
    String text = JSON.writeValueAsString(json);
    int comma = text.indexOf(',');
    if (reply.splitData && comma > 0) {
      sb.append("data: ")
          .append(text, 0, comma + 1)
          .append("\r\n")
          .append("data: ")
          .append(text.substring(comma + 1))
          .append("\r\n\r\n");
    } else {
      sb.append("data: ").append(text).append("\n\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private static void putOrNull(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static void sleep(Duration d) throws InterruptedException {
    if (!d.isZero()) {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }
  }
}
