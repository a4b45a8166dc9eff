package dev.switchboard.platform.whatsapp.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake of Meta's WhatsApp Cloud API for tests, on 127.0.0.1 and an ephemeral port, in Meta's
 * published shapes. The test plays the users (their messages become signed webhook deliveries,
 * {@link WebhookSender}) and observes what the business sent.
 *
 * <p>Routes, each under {@code /<version>/} ({@code v} and a version number) and each requiring
 * {@code Authorization: Bearer <token>} (else 401 with error code 190):
 *
 * <ul>
 *   <li>{@code GET <phone-number-id>}: {@code {verified_name, display_phone_number, id,
 *       quality_rating}}.
 *   <li>{@code POST <phone-number-id>/messages}: a message ({@code messaging_product: whatsapp},
 *       {@code to}, {@code type} text, image, audio, video, document, sticker or template, an
 *       optional {@code context.message_id}), answered {@code {messaging_product, contacts:
 *       [{input, wa_id}], messages: [{id}]}}; or a read receipt ({@code status: read, message_id},
 *       optional {@code typing_indicator: {type: text}}), answered {@code {success: true}}.
 *   <li>{@code POST <phone-number-id>/media}: a multipart upload (file, type, messaging_product),
 *       answered {@code {id}}.
 *   <li>{@code GET <media-id>}: {@code {messaging_product, url, mime_type, sha256, file_size, id}};
 *       the url ({@code /media-download/<id>}, no version) also needs the Bearer token.
 * </ul>
 *
 * <p>Errors are Meta's body: {@code {"error": {"message", "type", "code", "error_subcode",
 * "error_data": {"messaging_product", "details"}, "fbtrace_id"}}}, HTTP 400 (401 for 190, 429
 * when armed so).
 */
public final class FakeGraphApi implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VERSIONED = Pattern.compile("^/(v\\d+\\.\\d+)/(.+)$");
  private static final Set<String> MEDIA_TYPES =
      Set.of("image", "audio", "video", "document", "sticker");
  private static final int MAX_TEXT = 4096;

  /** A fault armed for the next call whose path ends with {@code pathEnd}. */
  private record Fault(
      String pathEnd,
      int httpStatus,
      int code,
      int subcode,
      String message,
      String details,
      @Nullable String retryAfter) {}

  private record Media(String mimeType, byte[] bytes) {}

  private final String token;
  private final String phoneNumberId;
  private final String displayNumber;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final WebhookSender webhook;
  private final List<GraphCall> calls = new CopyOnWriteArrayList<>();
  private final List<SentMessage> sent = new CopyOnWriteArrayList<>();
  private final List<String> reads = new CopyOnWriteArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Map<String, Media> media = new ConcurrentHashMap<>();
  private final Map<String, byte[]> deliveredMessages = new ConcurrentHashMap<>();
  private final Set<String> inbound = ConcurrentHashMap.newKeySet();
  private final Set<String> closedWindows = ConcurrentHashMap.newKeySet();
  private final Set<String> templates = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong(1);
  private volatile boolean tokenRevoked;
  private volatile boolean statusUpdates;
  private volatile Duration holdSends = Duration.ZERO;

  private FakeGraphApi(String token, String phoneNumberId, String appSecret) throws IOException {
    this.token = token;
    this.phoneNumberId = phoneNumberId;
    this.displayNumber = "1 555-010-" + phoneNumberId.substring(phoneNumberId.length() - 4);
    this.webhook = new WebhookSender(appSecret);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static FakeGraphApi start(String token, String phoneNumberId, String appSecret)
      throws IOException {
    return new FakeGraphApi(token, phoneNumberId, appSecret);
  }

  /** The base URL, for {@code platforms.whatsapp.api_url}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public WebhookSender webhook() {
    return webhook;
  }

  /** The app's Callback URL: deliveries go there from now on. */
  public void callbackUrl(URI url) {
    webhook.url(url);
  }

  /** Holds webhook deliveries back (Meta cannot reach the gateway) or lets them go. */
  public void pauseDeliveries(boolean pause) {
    webhook.pause(pause);
  }

  /** Every call answers 190 from now on (true), as after the token was revoked. */
  public void revokeToken(boolean revoked) {
    tokenRevoked = revoked;
  }

  /** After each accepted message, deliver its sent and delivered statuses. */
  public void statusUpdates(boolean on) {
    statusUpdates = on;
  }

  /** Answers to sends come only after this long (the message is made at once). */
  public void holdSends(Duration hold) {
    holdSends = hold;
  }

  /**
   * The user has not written for 24 hours: a free-form message to them is taken, then reported
   * failed with 131047 by a status delivery, as Meta does; templates still go.
   */
  public void closeWindow(String waId) {
    closedWindows.add(waId);
  }

  /** A template Meta approved, which messages may name. */
  public void approveTemplate(String name, String language) {
    templates.add(name + "/" + language);
  }

  /**
   * The next call whose path ends with {@code pathEnd} ("messages", "media", a media id) fails
   * with Meta's error body.
   */
  public void failNext(
      String pathEnd, int httpStatus, int code, int subcode, String message, String details) {
    synchronized (faults) {
      faults.add(new Fault(pathEnd, httpStatus, code, subcode, message, details, null));
    }
  }

  /** As {@link #failNext}, with a 429 and a Retry-After of {@code seconds}. */
  public void rateLimitNext(String pathEnd, int code, long seconds) {
    synchronized (faults) {
      faults.add(new Fault(
          pathEnd,
          429,
          code,
          0,
          "(#" + code + ") Rate limit hit",
          "Message failed to send because there were too many messages sent from this phone"
              + " number in a short period of time",
          Long.toString(seconds)));
    }
  }

  // ---- the users' side: webhook deliveries ----

  /** A text from {@code waId}; returns its wamid. */
  public String textMessage(String waId, String name, String text) {
    ObjectNode content = JSON.createObjectNode().put("body", text);
    return message(waId, name, "text", content);
  }

  /**
   * A media message from {@code waId} whose bytes the fake then serves; returns its wamid.
   *
   * @param type image, audio, video, document or sticker
   */
  public String mediaMessage(
      String waId,
      String name,
      String type,
      String mimeType,
      byte[] bytes,
      @Nullable String caption,
      @Nullable String fileName,
      boolean voice) {
    String mediaId = Long.toString(900_000_000_000L + ids.incrementAndGet());
    media.put(mediaId, new Media(mimeType, bytes.clone()));
    ObjectNode content = JSON.createObjectNode();
    if (caption != null) {
      content.put("caption", caption);
    }
    if (fileName != null) {
      content.put("filename", fileName);
    }
    content.put("mime_type", mimeType);
    content.put("sha256", sha256(bytes));
    content.put("id", mediaId);
    if (type.equals("audio")) {
      content.put("voice", voice);
    }
    return message(waId, name, type, content);
  }

  /**
   * A message of any type from {@code waId}, {@code content} under the type's own key
   * ({@code {"type": "location", "location": {...}}}); returns its wamid.
   */
  public String message(String waId, String name, String type, ObjectNode content) {
    return message(waId, name, null, type, content);
  }

  /** A text from {@code waId} in the group {@code groupId} (Meta's Groups API); its wamid. */
  public String groupTextMessage(String groupId, String waId, String name, String text) {
    return message(waId, name, groupId, "text", JSON.createObjectNode().put("body", text));
  }

  private String message(
      String waId, String name, @Nullable String groupId, String type, ObjectNode content) {
    String wamid = wamid();
    ObjectNode message = JSON.createObjectNode();
    message.put("from", waId);
    if (groupId != null) {
      message.put("group_id", groupId);
    }
    message.put("id", wamid);
    message.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
    message.put("type", type);
    message.set(type, content);
    ObjectNode value = value();
    ArrayNode contacts = value.putArray("contacts");
    contacts.addObject().put("wa_id", waId).putObject("profile").put("name", name);
    value.putArray("messages").add(message);
    byte[] body = JSON.writeValueAsBytes(envelope(value));
    inbound.add(wamid);
    deliveredMessages.put(wamid, body);
    webhook.enqueue(body);
    return wamid;
  }

  /** Meta delivers the message again, the same bytes (as after a delivery it saw fail). */
  public void redeliver(String wamid) {
    byte[] body = deliveredMessages.get(wamid);
    if (body == null) {
      throw new IllegalArgumentException("no message " + wamid);
    }
    webhook.enqueue(body);
  }

  /** A status of a message the business sent; {@code errorCode} 0 for none. */
  public void status(
      String wamid, String status, String recipient, int errorCode, String title, String details) {
    ObjectNode s = JSON.createObjectNode();
    s.put("id", wamid);
    s.put("status", status);
    s.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
    s.put("recipient_id", recipient);
    if (errorCode != 0) {
      ObjectNode e = s.putArray("errors").addObject();
      e.put("code", errorCode);
      e.put("title", title);
      e.put("message", title);
      e.putObject("error_data").put("details", details);
      e.put("href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
    }
    ObjectNode value = value();
    value.putArray("statuses").add(s);
    webhook.enqueue(JSON.writeValueAsBytes(envelope(value)));
  }

  /** Any delivery, as given (signed as Meta signs). */
  public long deliver(JsonNode payload) {
    return webhook.enqueue(JSON.writeValueAsBytes(payload));
  }

  private ObjectNode value() {
    ObjectNode value = JSON.createObjectNode();
    value.put("messaging_product", "whatsapp");
    value
        .putObject("metadata")
        .put("display_phone_number", displayNumber.replaceAll("\\D", ""))
        .put("phone_number_id", phoneNumberId);
    return value;
  }

  private static ObjectNode envelope(ObjectNode value) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "whatsapp_business_account");
    ObjectNode entry = root.putArray("entry").addObject();
    entry.put("id", "102290129340398");
    ObjectNode change = entry.putArray("changes").addObject();
    change.set("value", value);
    change.put("field", "messages");
    return root;
  }

  // ---- what the business did ----

  public List<GraphCall> calls() {
    return List.copyOf(calls);
  }

  /** Messages sent to {@code waId}, in order. */
  public List<SentMessage> messages(String waId) {
    return sent.stream().filter(m -> m.to().equals(waId)).toList();
  }

  /** The wamids marked read, in order (with or without a typing indicator). */
  public List<String> reads() {
    return List.copyOf(reads);
  }

  /** Waits for a message to {@code waId} that {@code test} accepts. */
  public SentMessage awaitMessage(String waId, Predicate<SentMessage> test, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (SentMessage m : messages(waId)) {
        if (test.test(m)) {
          return m;
        }
      }
      synchronized (sent) {
        sent.wait(50);
      }
    }
    throw new AssertionError("no such message to " + waId + " within " + timeout + "; sent: "
        + messages(waId).stream().map(SentMessage::text).toList());
  }

  // ---- the HTTP side ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getPath();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      String authorization = auth == null ? "" : auth;
      Map<String, byte[]> files = new HashMap<>();
      JsonNode parsed = parseBody(exchange, body, files);
      Answer answer = answer(method, rawPath, authorization, parsed, files);
      calls.add(new GraphCall(
          method, strip(rawPath), parsed, authorization, Instant.now(), answer.status(), files));
      if (answer.hold().isPositive()) {
        try {
          Thread.sleep(answer.hold()); // the fake's own pacing, not a test's wait
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      if (answer.retryAfter() != null) {
        exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
      }
      exchange.sendResponseHeaders(answer.status(), answer.bytes().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.bytes());
      }
      synchronized (sent) {
        sent.notifyAll();
      }
    }
  }

  private record Answer(
      int status,
      byte[] bytes,
      String contentType,
      @Nullable String retryAfter,
      Duration hold) {
    static Answer json(int status, JsonNode body) {
      return new Answer(
          status, JSON.writeValueAsBytes(body), "application/json", null, Duration.ZERO);
    }
  }

  private static String strip(String rawPath) {
    Matcher m = VERSIONED.matcher(rawPath);
    return m.matches() ? m.group(2) : rawPath.replaceFirst("^/", "");
  }

  private JsonNode parseBody(HttpExchange exchange, byte[] body, Map<String, byte[]> files) {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && type.startsWith("multipart/form-data")) {
      ObjectNode fields = JSON.createObjectNode();
      for (Multipart.Part p : Multipart.parse(type, body).values()) {
        if (p.fileName().isEmpty()) {
          fields.put(p.name(), p.text());
        } else {
          files.put(p.name(), p.bytes());
          fields
              .putObject(p.name())
              .put("filename", p.fileName())
              .put("content_type", p.contentType())
              .put("size", p.bytes().length);
        }
      }
      return fields;
    }
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (RuntimeException e) {
      return JSON.createObjectNode().put("_unparseable", new String(body, StandardCharsets.UTF_8));
    }
  }

  private Answer answer(
      String method,
      String rawPath,
      String authorization,
      JsonNode body,
      Map<String, byte[]> files) {
    if (!authorization.equals("Bearer " + token) || tokenRevoked) {
      return error(
          401,
          190,
          tokenRevoked ? 463 : 0,
          tokenRevoked
              ? "Error validating access token: Session has expired."
              : "Invalid OAuth access token - Cannot parse access token",
          "",
          "OAuthException");
    }
    if (rawPath.startsWith("/media-download/") && method.equals("GET")) {
      Media m = media.get(rawPath.substring("/media-download/".length()));
      if (m == null) {
        return new Answer(404, new byte[0], "text/plain", null, Duration.ZERO);
      }
      return new Answer(200, m.bytes(), m.mimeType(), null, Duration.ZERO);
    }
    Matcher versioned = VERSIONED.matcher(rawPath);
    if (!versioned.matches()) {
      return unknownPath(method, rawPath);
    }
    String path = versioned.group(2);
    Fault fault = takeFault(path);
    if (fault != null) {
      Answer a = error(
          fault.httpStatus(),
          fault.code(),
          fault.subcode(),
          fault.message(),
          fault.details(),
          "OAuthException");
      return new Answer(a.status(), a.bytes(), a.contentType(), fault.retryAfter(), Duration.ZERO);
    }
    if (method.equals("GET") && path.equals(phoneNumberId)) {
      ObjectNode phone = JSON.createObjectNode();
      phone.put("verified_name", "Switchboard Test");
      phone.put("display_phone_number", "+" + displayNumber);
      phone.put("id", phoneNumberId);
      phone.put("quality_rating", "GREEN");
      return Answer.json(200, phone);
    }
    if (method.equals("POST") && path.equals(phoneNumberId + "/messages")) {
      return messages(body);
    }
    if (method.equals("POST") && path.equals(phoneNumberId + "/media")) {
      return upload(body, files);
    }
    if (method.equals("GET") && media.containsKey(path)) {
      Media m = media.get(path);
      ObjectNode info = JSON.createObjectNode();
      info.put("messaging_product", "whatsapp");
      info.put("url", baseUrl() + "/media-download/" + path);
      info.put("mime_type", m.mimeType());
      info.put("sha256", sha256(m.bytes()));
      info.put("file_size", m.bytes().length);
      info.put("id", path);
      return Answer.json(200, info);
    }
    return unknownPath(method, path);
  }

  private Answer unknownPath(String method, String path) {
    return error(
        400,
        100,
        33,
        "Unsupported " + method.toLowerCase(java.util.Locale.ROOT) + " request. Object with ID '"
            + path + "' does not exist, cannot be loaded due to missing permissions, or does not"
            + " support this operation.",
        "",
        "GraphMethodException");
  }

  private @Nullable Fault takeFault(String path) {
    synchronized (faults) {
      for (Fault f : faults) {
        if (path.endsWith(f.pathEnd())) {
          faults.remove(f);
          return f;
        }
      }
      return null;
    }
  }

  private Answer messages(JsonNode body) {
    if (!"whatsapp".equals(body.path("messaging_product").asString(""))) {
      return invalid(
          "(#100) The parameter messaging_product is required.",
          "messaging_product must be whatsapp");
    }
    if (body.has("status")) {
      String id = body.path("message_id").asString("");
      if (!"read".equals(body.path("status").asString("")) || !inbound.contains(id)) {
        return invalid("(#100) Invalid parameter", "message_id is not a message you received");
      }
      if (body.has("typing_indicator")
          && !"text".equals(body.path("typing_indicator").path("type").asString(""))) {
        return invalid("(#100) Invalid parameter", "typing_indicator.type must be text");
      }
      reads.add(id);
      return Answer.json(200, JSON.createObjectNode().put("success", true));
    }
    String to = body.path("to").asString("");
    String type = body.path("type").asString("text");
    String recipientType = body.path("recipient_type").asString("individual");
    boolean toGroup = "group".equals(recipientType);
    if (!toGroup && !"individual".equals(recipientType)) {
      return invalid("(#100) Invalid parameter", "recipient_type must be individual or group");
    }
    if (toGroup ? to.isBlank() : !to.matches("\\+?\\d{5,20}")) {
      return invalid("(#100) Invalid parameter", "Invalid 'to' parameter");
    }
    String quoted = body.path("context").path("message_id").asString(null);
    if (quoted != null && !inbound.contains(quoted)) {
      return error(
          400,
          131009,
          2494010,
          "(#131009) Parameter value is not valid",
          "Invalid context message id",
          "OAuthException");
    }
    String text;
    String mediaId = null;
    switch (type) {
      case "text" -> {
        JsonNode t = body.path("text");
        if (!t.path("body").isString() || t.path("body").asString("").isEmpty()) {
          return error(
              400,
              100,
              2494010,
              "(#100) The parameter text['body'] is required.",
              "",
              "OAuthException");
        }
        text = t.path("body").asString("");
        if (text.length() > MAX_TEXT) {
          return invalid(
              "(#100) Param text['body'] must be at most 4096 characters long.",
              "Param text['body'] must be at most 4096 characters long.");
        }
      }
      case "template" -> {
        String key = body.path("template").path("name").asString("") + "/"
            + body.path("template").path("language").path("code").asString("");
        if (!templates.contains(key)) {
          return error(
              404,
              132001,
              2494073,
              "(#132001) Template name does not exist in the translation",
              "template name (" + key + ") does not exist",
              "OAuthException");
        }
        text = body.path("template").path("name").asString("");
      }
      default -> {
        if (!MEDIA_TYPES.contains(type)) {
          return error(
              400,
              131051,
              0,
              "(#131051) Unsupported message type",
              "Message type unknown",
              "OAuthException");
        }
        JsonNode m = body.path(type);
        mediaId = m.path("id").asString(null);
        if (mediaId == null || !media.containsKey(mediaId)) {
          return error(
              400,
              131053,
              0,
              "(#131053) Media upload error",
              "media id " + mediaId + " is unknown",
              "OAuthException");
        }
        text = m.path("caption").asString("");
      }
    }
    String wamid = wamid();
    String recipient = to.replace("+", "");
    sent.add(new SentMessage(wamid, recipient, type, text, quoted, mediaId, body));
    boolean windowClosed = closedWindows.contains(recipient) && !type.equals("template");
    if (windowClosed) {
      status(
          wamid,
          "failed",
          recipient,
          131047,
          "Re-engagement message",
          "Message failed to send because more than 24 hours have passed since the customer last"
              + " replied to this number.");
    } else if (statusUpdates) {
      status(wamid, "sent", recipient, 0, "", "");
      status(wamid, "delivered", recipient, 0, "", "");
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("messaging_product", "whatsapp");
    answer.putArray("contacts").addObject().put("input", to).put("wa_id", recipient);
    ObjectNode m = answer.putArray("messages").addObject().put("id", wamid);
    if (type.equals("template")) {
      m.put("message_status", "accepted");
    }
    Answer a = Answer.json(200, answer);
    return new Answer(a.status(), a.bytes(), a.contentType(), null, holdSends);
  }

  private Answer upload(JsonNode fields, Map<String, byte[]> files) {
    if (!"whatsapp".equals(fields.path("messaging_product").asString(""))) {
      return invalid("(#100) The parameter messaging_product is required.", "");
    }
    byte[] file = files.get("file");
    String type = fields.path("type").asString("");
    if (file == null || type.isEmpty()) {
      return invalid("(#100) The parameter file is required.", "file and type are required");
    }
    String id = Long.toString(800_000_000_000L + ids.incrementAndGet());
    media.put(id, new Media(type, file));
    return Answer.json(200, JSON.createObjectNode().put("id", id));
  }

  /** The bytes of media the business uploaded (or a user sent). */
  public byte[] media(String mediaId) {
    Media m = media.get(mediaId);
    if (m == null) {
      throw new AssertionError("no media " + mediaId);
    }
    return m.bytes().clone();
  }

  private static Answer invalid(String message, String details) {
    return error(400, 100, 0, message, details, "OAuthException");
  }

  private static Answer error(
      int status, int code, int subcode, String message, String details, String type) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.put("code", code);
    if (subcode != 0) {
      e.put("error_subcode", subcode);
    }
    if (!details.isEmpty()) {
      e.putObject("error_data").put("messaging_product", "whatsapp").put("details", details);
    }
    e.put("fbtrace_id", "A" + UUID.randomUUID().toString().replace("-", "").substring(0, 22));
    return Answer.json(status, root);
  }

  private String wamid() {
    String raw = "switchboard-fake-" + ids.incrementAndGet() + "-" + UUID.randomUUID();
    return "wamid." + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fake's own list of deliveries' wamids, for tests that count. */
  public List<String> inboundIds() {
    return new ArrayList<>(inbound);
  }

  @Override
  public void close() {
    webhook.close();
    server.stop(0);
    executor.shutdownNow();
  }
}
