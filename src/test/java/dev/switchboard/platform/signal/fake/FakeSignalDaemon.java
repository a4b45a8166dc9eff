package dev.switchboard.platform.signal.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A signal-cli daemon stand-in on loopback, as {@code signal-cli daemon --http} publishes it
 * (man signal-cli-jsonrpc(5), HttpServerHandler, ServerSentEventSender, the Json* classes):
 *
 * <ul>
 *   <li>{@code POST /api/v1/rpc}: one JSON-RPC 2.0 request (405 for another method, 415 without
 *       {@code Content-Type: application/json}, 421 for a Host header other than the bound
 *       address); errors as {@code {"code","message","data"}} with signal-cli's codes.
 *   <li>{@code GET /api/v1/events}: {@code text/event-stream}, one {@code event:receive} /
 *       {@code data:{"account":…,"envelope":{…}}} event per envelope, a {@code :} keep-alive
 *       line now and then; with several accounts, {@code ?account=} must name one (else 400).
 *   <li>{@code GET /api/v1/check}: 200, no body.
 * </ul>
 *
 * <p>Receiving is as with {@code --receive-mode=on-connection}: envelopes wait until a stream is
 * open, and go to the streams open when they are sent. Methods: send, sendTyping, sendReceipt,
 * sendReaction, getAttachment, listAccounts (multi-account mode only, as in signal-cli), version.
 */
public final class FakeSignalDaemon implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A Signal user: an ACI and, unless hidden, a number. */
  public record Person(String uuid, @Nullable String number, String name) {}

  /** A message the bot sent through {@code send}. */
  public record Sent(long timestamp, JsonNode params) {
    public String text() {
      return params.path("message").asString("");
    }

    public @Nullable String groupId() {
      return params.hasNonNull("groupId") ? params.path("groupId").asString() : null;
    }

    public List<String> recipients() {
      return strings(params.path("recipient"));
    }

    public List<String> textStyles() {
      return strings(params.path("textStyle"));
    }

    public List<String> attachments() {
      return strings(params.path("attachments"));
    }
  }

  private final HttpServer server;
  private final String host;
  private final List<String> accounts;
  private final boolean multiAccount;
  private final AtomicLong clock = new AtomicLong(1_764_300_000_000L);
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private final Queue<String> waiting = new ConcurrentLinkedQueue<>();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final Map<String, List<JsonNode>> calls = new ConcurrentHashMap<>();
  private final Map<String, byte[]> attachments = new ConcurrentHashMap<>();
  private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
  private final Queue<ObjectNode> faults = new ConcurrentLinkedQueue<>();
  private final AtomicInteger streamsOpened = new AtomicInteger();
  private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
  private volatile int eventsStatus = 200;
  /** A port a forwarder in front of this daemon listens on: its Host header names that port. */
  private volatile int forwardedFrom = -1;

  private volatile @Nullable ObjectNode sendFault;

  private FakeSignalDaemon(List<String> accounts, boolean multiAccount, Duration keepAliveEvery)
      throws IOException {
    this.accounts = List.copyOf(accounts);
    this.multiAccount = multiAccount;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.host = "127.0.0.1";
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/api/v1/rpc", this::rpc);
    server.createContext("/api/v1/events", this::events);
    server.createContext("/api/v1/check", this::check);
    server.start();
    keepAlive.scheduleAtFixedRate(
        () -> streams.forEach(s -> s.write(":\n")),
        keepAliveEvery.toMillis(),
        keepAliveEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** As {@code signal-cli -a ACCOUNT daemon --http}: one account, no listAccounts. */
  public static FakeSignalDaemon singleAccount(String account) throws IOException {
    return new FakeSignalDaemon(List.of(account), false, Duration.ofSeconds(15));
  }

  /** As {@code signal-cli daemon --http} without {@code -a}: every local account. */
  public static FakeSignalDaemon multiAccount(String... accounts) throws IOException {
    return new FakeSignalDaemon(List.of(accounts), true, Duration.ofSeconds(15));
  }

  public String baseUrl() {
    return "http://" + host + ":" + server.getAddress().getPort();
  }

  public String account() {
    return accounts.getFirst();
  }

  // ---- what users do ----

  /** A direct message from {@code from}; returns its timestamp. */
  public long directMessage(Person from, String text) {
    return deliver(from, dataMessage(text, null, List.of()));
  }

  /** A message in group {@code groupId} (base64) from {@code from}; returns its timestamp. */
  public long groupMessage(String groupId, Person from, String text) {
    return deliver(from, dataMessage(text, groupId, List.of()));
  }

  /** A direct message with files ({@link #storeAttachment}); returns its timestamp. */
  public long directMessageWithFiles(Person from, String text, List<ObjectNode> files) {
    return deliver(from, dataMessage(text, null, files));
  }

  /**
   * A file as signal-cli keeps one it received, getAttachment-able by its id; the JSON of its
   * Attachment ({@code contentType, filename, id, size, width, height, caption,
   * uploadTimestamp}).
   */
  public ObjectNode storeAttachment(String contentType, @Nullable String filename, byte[] bytes) {
    String id = Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Long.toString(clock.incrementAndGet()).getBytes(StandardCharsets.UTF_8))
        + extension(contentType);
    attachments.put(id, bytes.clone());
    ObjectNode a = JSON.createObjectNode()
        .put("contentType", contentType)
        .put("filename", filename)
        .put("id", id)
        .put("size", (long) bytes.length);
    a.putNull("width");
    a.putNull("height");
    a.putNull("caption");
    a.put("uploadTimestamp", clock.get());
    return a;
  }

  private static String extension(String contentType) {
    return switch (contentType) {
      case "image/jpeg" -> ".jpg";
      case "image/png" -> ".png";
      case "text/plain" -> ".txt";
      default -> "";
    };
  }

  /** An envelope with {@code part} (typingMessage, receiptMessage, syncMessage…) and no data. */
  public void otherEnvelope(Person from, String field, ObjectNode part) {
    ObjectNode envelope = envelope(from, clock.incrementAndGet());
    envelope.set(field, part);
    push(event(account(), envelope));
  }

  /** The raw data of one event, as given. */
  public void rawEvent(String data) {
    push(data);
  }

  /** The same envelope again: what a redelivery after a crash looks like. */
  public void redeliver(Person from, long timestamp, String text, @Nullable String groupId) {
    ObjectNode envelope = envelope(from, timestamp);
    envelope.set("dataMessage", dataMessage(text, groupId, List.of(), timestamp));
    push(event(account(), envelope));
  }

  private long deliver(Person from, ObjectNode data) {
    long ts = data.path("timestamp").asLong();
    ObjectNode envelope = envelope(from, ts);
    envelope.set("dataMessage", data);
    push(event(account(), envelope));
    return ts;
  }

  private ObjectNode dataMessage(String text, @Nullable String groupId, List<ObjectNode> files) {
    return dataMessage(text, groupId, files, clock.incrementAndGet());
  }

  private static ObjectNode dataMessage(
      String text, @Nullable String groupId, List<ObjectNode> files, long ts) {
    ObjectNode d = JSON.createObjectNode().put("timestamp", ts).put("message", text);
    d.put("expiresInSeconds", 0);
    d.put("isExpirationUpdate", false);
    d.put("viewOnce", false);
    if (!files.isEmpty()) {
      ArrayNode a = d.putArray("attachments");
      files.forEach(a::add);
    }
    if (groupId != null) {
      d.putObject("groupInfo")
          .put("groupId", groupId)
          .put("groupName", "Group")
          .put("revision", 1)
          .put("type", "DELIVER");
    }
    return d;
  }

  private ObjectNode envelope(Person from, long ts) {
    ObjectNode e = JSON.createObjectNode()
        .put("source", from.number() != null ? from.number() : from.uuid())
        .put("sourceNumber", from.number())
        .put("sourceUuid", from.uuid())
        .put("sourceName", from.name())
        .put("sourceDevice", 1)
        .put("timestamp", ts)
        .put("serverReceivedTimestamp", ts + 5)
        .put("serverDeliveredTimestamp", ts + 9);
    return e;
  }

  private static String event(String account, ObjectNode envelope) {
    ObjectNode event = JSON.createObjectNode().put("account", account);
    event.set("envelope", envelope);
    return JSON.writeValueAsString(event);
  }

  private synchronized void push(String data) {
    if (streams.isEmpty()) {
      waiting.add(data); // on-connection: it waits on Signal's servers
      return;
    }
    for (Stream s : streams) {
      s.write("event:receive\ndata:" + data + "\n\n");
    }
  }

  // ---- what the test controls ----

  /**
   * Serves requests a forwarder on loopback {@code port} passes on, as the signal-cli the gateway
   * starts (a forwarder in the process-level test) would have answered them itself.
   */
  public void alsoServeFrom(int port) {
    forwardedFrom = port;
  }

  /** Ends every open event stream, as a daemon restart or a broken connection does. */
  public void dropStreams() {
    for (Stream s : streams) {
      s.close();
    }
  }

  /** The status of the next event stream requests (a daemon that is not ready: 500). */
  public void eventsStatus(int status) {
    eventsStatus = status;
  }

  /** Sends to this number or UUID fail as signal-cli reports an unregistered recipient. */
  public void unregister(String recipient) {
    unregistered.add(recipient);
  }

  /** The next RPC call fails with this error object ({"code","message","data"}). */
  public void failNext(int code, String message, @Nullable JsonNode data) {
    ObjectNode error = JSON.createObjectNode().put("code", code).put("message", message);
    error.set("data", data);
    faults.add(error);
  }

  /** Every send fails with this error object until {@link #failSends} is given null. */
  public void failSends(@Nullable Integer code, String message) {
    if (code == null) {
      sendFault = null;
      return;
    }
    ObjectNode error = JSON.createObjectNode().put("code", code).put("message", message);
    error.putNull("data");
    sendFault = error;
  }

  /** A send's {@code data} as signal-cli makes it: {"response":{"timestamp","results":[…]}}. */
  public static ObjectNode sendFailure(String recipient, String type, @Nullable Long retryAfter) {
    ObjectNode data = JSON.createObjectNode();
    ObjectNode response = data.putObject("response").put("timestamp", 1L);
    ObjectNode r = response.putArray("results").addObject();
    r.putObject("recipientAddress").put("uuid", (String) null).put("number", recipient);
    r.put("type", type);
    if (retryAfter != null) {
      r.put("retryAfterSeconds", retryAfter);
    }
    return data;
  }

  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  public List<JsonNode> calls(String method) {
    return List.copyOf(calls.getOrDefault(method, List.of()));
  }

  public int openStreams() {
    return streams.size();
  }

  public int streamsOpened() {
    return streamsOpened.get();
  }

  // ---- HTTP ----

  private boolean hostAllowed(HttpExchange x) {
    String h = x.getRequestHeaders().getFirst("Host");
    if (h == null) {
      return false;
    }
    String port = ":" + server.getAddress().getPort();
    return h.equals(host + port)
        || h.equals("localhost" + port)
        || h.equals(host)
        || h.equals(host + ":" + forwardedFrom);
  }

  private void rpc(HttpExchange x) throws IOException {
    try (x) {
      if (!hostAllowed(x)) {
        x.sendResponseHeaders(421, -1);
        return;
      }
      if (!"/api/v1/rpc".equals(x.getRequestURI().getPath())) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      if (!"POST".equals(x.getRequestMethod())) {
        x.sendResponseHeaders(405, -1);
        return;
      }
      String type = x.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.startsWith("application/json")) {
        x.sendResponseHeaders(415, -1);
        return;
      }
      JsonNode request;
      try {
        request = JSON.readTree(x.getRequestBody());
      } catch (RuntimeException e) {
        respond(x, error(null, -32700, "Parse error"));
        return;
      }
      JsonNode id = request.path("id");
      JsonNode idOrNull = id.isMissingNode() ? null : id;
      if (!request.hasNonNull("method")) {
        respond(x, error(idOrNull, -32600, "method field must be set"));
        return;
      }
      String method = request.path("method").asString();
      JsonNode params =
          request.path("params").isObject() ? request.path("params") : JSON.createObjectNode();
      calls.computeIfAbsent(method, k -> new CopyOnWriteArrayList<>()).add(params);
      ObjectNode fault = faults.poll();
      if (fault == null && method.equals("send")) {
        fault = sendFault;
      }
      if (fault != null) {
        respond(
            x, withId(JSON.createObjectNode().put("jsonrpc", "2.0").set("error", fault), idOrNull));
        return;
      }
      if (idOrNull == null) {
        x.sendResponseHeaders(201, -1); // a notification: no response
        return;
      }
      respond(x, answer(id, method, params));
    }
  }

  private ObjectNode answer(JsonNode id, String method, JsonNode params) {
    if (method.equals("listAccounts")) {
      if (!multiAccount) {
        return error(id, -32601, "Method not implemented");
      }
      ArrayNode list = JSON.createArrayNode();
      accounts.forEach(a -> list.addObject().put("number", a));
      return result(id, list);
    }
    if (method.equals("version")) {
      return result(id, JSON.createObjectNode().put("version", "0.13.22"));
    }
    if (multiAccount
        && params.hasNonNull("account")
        && !accounts.contains(params.path("account").asString())) {
      return error(id, -32602, "Specified account does not exist");
    }
    if (multiAccount && !params.hasNonNull("account") && accounts.size() > 1) {
      return error(id, -32602, "Method requires valid account parameter");
    }
    return switch (method) {
      case "send" -> send(id, params);
      case "sendTyping", "sendReceipt", "sendReaction" -> sendResults(id, params);
      case "getAttachment" -> getAttachment(id, params);
      default -> error(id, -32601, "Method not implemented");
    };
  }

  private ObjectNode send(JsonNode id, JsonNode params) {
    String message = params.path("message").asString("");
    if (message.isEmpty() && strings(params.path("attachments")).isEmpty()) {
      return error(
          id,
          -1,
          "Sending empty message is not allowed, either a message, attachment or sticker must"
              + " be given.");
    }
    if (params.has("quoteTimestamp") && !params.hasNonNull("quoteAuthor")) {
      return error(id, -1, "Quote author parameter is missing");
    }
    for (String style : strings(params.path("textStyle"))) {
      if (!style.matches("(\\d+):(\\d+):(BOLD|ITALIC|SPOILER|STRIKETHROUGH|MONOSPACE)")) {
        return error(
            id, -1, "Invalid textStyle syntax (" + style + ") expected 'start:length:STYLE'");
      }
    }
    for (String r : strings(params.path("recipient"))) {
      if (unregistered.contains(r)) {
        ObjectNode e = error(id, -1, "Failed to send message");
        ((ObjectNode) e.path("error")).set("data", sendFailure(r, "UNREGISTERED_FAILURE", null));
        return e;
      }
    }
    long ts = clock.incrementAndGet();
    sent.add(new Sent(ts, params));
    return result(id, results(ts, params));
  }

  private ObjectNode sendResults(JsonNode id, JsonNode params) {
    return result(id, results(clock.incrementAndGet(), params));
  }

  private static ObjectNode results(long ts, JsonNode params) {
    ObjectNode r = JSON.createObjectNode().put("timestamp", ts);
    ArrayNode results = r.putArray("results");
    for (String recipient : strings(params.path("recipient"))) {
      ObjectNode one = results.addObject();
      one.putObject("recipientAddress").put("uuid", (String) null).put("number", recipient);
      one.put("type", "SUCCESS");
    }
    return r;
  }

  private ObjectNode getAttachment(JsonNode id, JsonNode params) {
    String attachment = params.path("id").asString("");
    if (attachment.isEmpty()) {
      return error(id, -1, "Missing attachment id parameter");
    }
    byte[] bytes = attachments.get(attachment);
    if (bytes == null) {
      return error(id, -1, "Could not find attachment with ID: " + attachment);
    }
    return result(
        id, JSON.createObjectNode().put("data", Base64.getEncoder().encodeToString(bytes)));
  }

  private static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0");
    r.set("result", result);
    r.set("id", id);
    return r;
  }

  private static ObjectNode error(@Nullable JsonNode id, int code, String message) {
    ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0");
    r.putObject("error").put("code", code).put("message", message).putNull("data");
    return withId(r, id);
  }

  private static ObjectNode withId(ObjectNode response, @Nullable JsonNode id) {
    if (id == null) {
      response.putNull("id");
    } else {
      response.set("id", id);
    }
    return response;
  }

  private static void respond(HttpExchange x, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private void events(HttpExchange x) throws IOException {
    if (!hostAllowed(x)) {
      x.sendResponseHeaders(421, -1);
      x.close();
      return;
    }
    if (!"GET".equals(x.getRequestMethod())) {
      x.sendResponseHeaders(405, -1);
      x.close();
      return;
    }
    Map<String, String> query = query(x.getRequestURI().getRawQuery());
    String account = query.get("account");
    if (multiAccount && account != null && !account.isEmpty() && !accounts.contains(account)) {
      x.sendResponseHeaders(400, -1);
      x.close();
      return;
    }
    int status = eventsStatus;
    if (status != 200) {
      x.sendResponseHeaders(status, -1);
      x.close();
      return;
    }
    x.getResponseHeaders().add("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    x.getResponseBody().flush();
    Stream stream = new Stream(x);
    streamsOpened.incrementAndGet();
    synchronized (this) {
      streams.add(stream);
      String data;
      while ((data = waiting.poll()) != null) {
        stream.write("event:receive\ndata:" + data + "\n\n");
      }
    }
    stream.awaitEnd();
    streams.remove(stream);
    x.close();
  }

  private void check(HttpExchange x) throws IOException {
    try (x) {
      x.sendResponseHeaders("GET".equals(x.getRequestMethod()) ? 200 : 405, -1);
    }
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asString()));
    } else if (node.isString()) {
      out.add(node.asString());
    }
    return out;
  }

  /** One open event stream; ends when it is closed or a write to it fails. */
  private final class Stream {
    private final HttpExchange exchange;
    private final OutputStream out;
    private final java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(1);

    Stream(HttpExchange exchange) {
      this.exchange = exchange;
      this.out = exchange.getResponseBody();
    }

    synchronized void write(String s) {
      if (ended.getCount() == 0) {
        return;
      }
      try {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        close();
      }
    }

    void close() {
      streams.remove(this);
      ended.countDown();
      try {
        out.close();
      } catch (IOException ignored) {
        // already gone
      }
      exchange.close();
    }

    void awaitEnd() {
      try {
        ended.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    keepAlive.shutdownNow();
    dropStreams();
    server.stop(0);
  }
}
