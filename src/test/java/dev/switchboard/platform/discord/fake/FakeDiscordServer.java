package dev.switchboard.platform.discord.fake;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Discord API v10 stand-in on loopback, following the published Gateway protocol: GET
 * /api/v10/gateway/bot (with session_start_limit), a WebSocket gateway at /gateway that says
 * Hello, answers Identify with READY (session_id, resume_gateway_url pointing at /resume),
 * acknowledges heartbeats, replays missed dispatches on Resume and then says RESUMED, and
 * closes with 4004 for a wrong token. Switches: refuse the token (401 and 4004), withhold heartbeat ACKs, ask for a reconnect
 * (op 7), invalidate the session (op 9), drop the connection without a close frame, close with
 * a given code.
 *
 * <p>Files, as Discord's Message resource and "Uploading Files" describe them: a CDN on a port
 * of its own ({@link #cdnBase()}) serving attachments at signed URLs ({@code
 * /attachments/{channel}/{id}/{name}?ex=&is=&hm=}, 404 once expired or with a wrong signature,
 * no credentials asked); MESSAGE_CREATE dispatches with an {@code attachments} array of
 * Attachment objects; and message creation as {@code multipart/form-data} with a {@code
 * payload_json} part and {@code files[n]} parts (parsed with Jetty's multipart parser), answered
 * with a Message object whose attachments are on the CDN, or with 413 and code 40005 for a file
 * above the upload limit.
 */
public final class FakeDiscordServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  public static final long BOT_ID = 9_000_000_000_000_001L;

  private final String token;
  private final Server server;
  private final ServerConnector connector;
  private final ServerConnector cdnConnector;
  private final AtomicInteger heartbeatIntervalMs = new AtomicInteger(41_250);
  private volatile boolean ackHeartbeats = true;
  private final AtomicInteger identifies = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final AtomicInteger gatewayBotCalls = new AtomicInteger();
  private final List<Integer> identifyIntents = new CopyOnWriteArrayList<>();
  private final List<String> closesFromClient = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessionStartsRemaining = new AtomicInteger(1000);
  private final Map<String, SessionLog> sessions = new ConcurrentHashMap<>();
  private final AtomicLong nextSession = new AtomicLong(1);
  private volatile Connection current;

  /** A session's dispatches, by sequence number, for replay on resume. */
  private static final class SessionLog {
    final List<ObjectNode> events = new ArrayList<>();
    long seq;
  }

  public FakeDiscordServer(String token) throws Exception {
    this.token = token;
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    cdnConnector = new ServerConnector(server);
    cdnConnector.setHost("127.0.0.1");
    cdnConnector.setPort(0);
    server.addConnector(cdnConnector);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
      container.addMapping("/gateway/*", (rq, rs, cb) -> new Connection());
      container.addMapping("/resume/*", (rq, rs, cb) -> new Connection());
    });
    ws.setHandler(new Rest());
    server.setHandler(ws);
    server.start();
  }

  private volatile int advertisedPort;

  /**
   * The gateway URLs handed out (GET /gateway/bot, READY's resume_gateway_url) name {@code
   * port} instead of this server's: a {@code TcpGate} in front of it carries the WebSocket too.
   */
  public void advertisePort(int port) {
    advertisedPort = port;
  }

  /** The port this server listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  private int advertised() {
    return advertisedPort != 0 ? advertisedPort : connector.getLocalPort();
  }

  public URI gatewayUrl() {
    return URI.create("ws://127.0.0.1:" + advertised() + "/gateway");
  }

  public URI resumeUrl() {
    return URI.create("ws://127.0.0.1:" + advertised() + "/resume");
  }

  /** http://127.0.0.1:PORT/api/v10 */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/v10");
  }

  /** http://127.0.0.1:CDN_PORT: where the attachments are, as cdn.discordapp.com would be. */
  public URI cdnBase() {
    return URI.create("http://127.0.0.1:" + cdnConnector.getLocalPort());
  }

  public void heartbeatInterval(int millis) {
    heartbeatIntervalMs.set(millis);
  }

  /** While false, heartbeats are received but never acknowledged (a zombie connection). */
  public void ackHeartbeats(boolean on) {
    ackHeartbeats = on;
  }

  /**
   * The current connection stops acknowledging heartbeats, as a half-dead connection would;
   * the next one the client opens is healthy again.
   */
  public void zombifyCurrentConnection() {
    zombie = current;
  }

  private volatile Connection zombie;

  public void sessionStartsRemaining(int n) {
    sessionStartsRemaining.set(n);
  }

  public int identifies() {
    return identifies.get();
  }

  public List<Integer> identifyIntents() {
    return List.copyOf(identifyIntents);
  }

  public int resumes() {
    return resumes.get();
  }

  public int connections() {
    return connections.get();
  }

  public int heartbeats() {
    return heartbeats.get();
  }

  public int gatewayBotCalls() {
    return gatewayBotCalls.get();
  }

  /** Close codes the client sent, in order. */
  public List<String> closesFromClient() {
    return List.copyOf(closesFromClient);
  }

  public boolean connected() {
    Connection c = current;
    return c != null && c.session != null && c.session.isOpen() && c.sessionId != null;
  }

  /**
   * A MESSAGE_CREATE in the current session: sent now if the bot is connected, else kept for
   * the replay after a resume. Returns the message id.
   */
  public String messageCreate(
      String channelId, String guildId, String authorId, String username, String content) {
    return messageCreate(channelId, guildId, authorId, username, content, JSON.createObjectNode());
  }

  /**
   * A MESSAGE_CREATE with more of the Message object's fields ({@code attachments}, {@code
   * flags}, {@code sticker_items}) taken from {@code fields}.
   */
  public String messageCreate(
      String channelId,
      String guildId,
      String authorId,
      String username,
      String content,
      ObjectNode fields) {
    String id = Long.toString(System.nanoTime());
    ObjectNode d = JSON.createObjectNode()
        .put("id", id)
        .put("channel_id", channelId)
        .put("content", content)
        .put("type", 0)
        .put("timestamp", "2026-11-28T10:00:00+00:00");
    if (guildId != null) {
      d.put("guild_id", guildId);
    }
    d.putObject("author")
        .put("id", authorId)
        .put("username", username)
        .put("global_name", username)
        .put("bot", false);
    d.putArray("mentions");
    d.putArray("attachments");
    d.setAll(fields);
    dispatch("MESSAGE_CREATE", d);
    return id;
  }

  private void dispatch(String type, ObjectNode d) {
    Connection c = current;
    // A connection that never got a session (refused, not yet identified) leaves the last
    // session in place: Discord keeps its events for a resume.
    String sessionId = c == null || c.sessionId == null ? lastSessionId() : c.sessionId;
    SessionLog log = sessionId == null ? null : sessions.get(sessionId);
    if (log == null) {
      throw new IllegalStateException("no session to dispatch in");
    }
    // Under the log's lock: a resume's replay and this send cannot miss each other.
    synchronized (log) {
      ObjectNode event =
          JSON.createObjectNode().put("op", 0).put("s", ++log.seq).put("t", type);
      event.set("d", d);
      log.events.add(event);
      if (c != null && c.ready) {
        c.send(event.toString());
      }
    }
  }

  private String lastSessionId() {
    return sessions.keySet().stream().max(String::compareTo).orElse(null);
  }

  /** op 7: the gateway asks the client to reconnect and resume. */
  public void requestReconnect() {
    current.send("{\"op\":7,\"d\":null}");
  }

  /** op 9 with d = {@code resumable}; a non-resumable one also forgets the session. */
  public void invalidateSession(boolean resumable) {
    Connection c = current;
    if (!resumable && c.sessionId != null) {
      sessions.remove(c.sessionId);
    }
    c.send("{\"op\":9,\"d\":" + resumable + "}");
  }

  /** Ends the TCP connection without a close frame, as a network failure would. */
  public void dropConnection() {
    current.session.disconnect();
  }

  /**
   * While on, the bot's token is refused everywhere, as after it was reset in the Developer
   * Portal: every REST call gets 401 {@code {"message": "401: Unauthorized", "code": 0}} and an
   * Identify or Resume is closed with 4004 "Authentication failed.". Off again, the token works.
   */
  public void refuseToken(boolean on) {
    tokenRefused = on;
  }

  private volatile boolean tokenRefused;

  /** While on, every new connection is closed with 4000 right after Hello (a flapping edge). */
  public void refuseConnections(boolean on) {
    refusing = on;
  }

  private volatile boolean refusing;
  private final List<Long> connectTimes = new CopyOnWriteArrayList<>();

  /** When each connection was opened (System.nanoTime()). */
  public List<Long> connectTimes() {
    return List.copyOf(connectTimes);
  }

  public void closeWith(int code, String reason) {
    current.session.close(code, reason, org.eclipse.jetty.websocket.api.Callback.NOOP);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** One client connection to the gateway. */
  public final class Connection implements Session.Listener.AutoDemanding {
    volatile Session session;
    volatile String sessionId;
    volatile boolean ready;

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      current = this;
      connections.incrementAndGet();
      connectTimes.add(System.nanoTime());
      if (refusing) {
        s.close(4000, "Unknown error.", org.eclipse.jetty.websocket.api.Callback.NOOP);
        return;
      }
      send("{\"op\":10,\"d\":{\"heartbeat_interval\":" + heartbeatIntervalMs.get() + "}}");
    }

    void send(String text) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketText(String text) {
      JsonNode p = JSON.readTree(text);
      switch (p.path("op").asInt()) {
        case 1 -> {
          heartbeats.incrementAndGet();
          if (ackHeartbeats && zombie != this) {
            send("{\"op\":11}");
          }
        }
        case 2 -> identify(p.path("d"));
        case 6 -> resume(p.path("d"));
        default ->
          session.close(4001, "Unknown opcode.", org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    private void identify(JsonNode d) {
      identifies.incrementAndGet();
      if (tokenRefused || !token.equals(d.path("token").asString())) {
        session.close(
            4004, "Authentication failed.", org.eclipse.jetty.websocket.api.Callback.NOOP);
        return;
      }
      identifyIntents.add(d.path("intents").asInt());
      sessionStartsRemaining.decrementAndGet();
      sessionId = String.format("session-%04d", nextSession.getAndIncrement());
      SessionLog log = new SessionLog();
      sessions.put(sessionId, log);
      ObjectNode ready = JSON.createObjectNode()
          .put("v", 10)
          .put("session_id", sessionId)
          .put("resume_gateway_url", resumeUrl().toString());
      ready
          .putObject("user")
          .put("id", Long.toString(BOT_ID))
          .put("username", "switchboard")
          .put("bot", true);
      ready.putArray("guilds");
      ready.putArray("shard").add(0).add(1);
      ready.putObject("application").put("id", Long.toString(BOT_ID));
      synchronized (log) {
        ObjectNode event =
            JSON.createObjectNode().put("op", 0).put("s", ++log.seq).put("t", "READY");
        event.set("d", ready);
        send(event.toString());
        this.ready = true; // before anyone can dispatch in this session
      }
    }

    private void resume(JsonNode d) {
      resumes.incrementAndGet();
      if (tokenRefused) {
        session.close(
            4004, "Authentication failed.", org.eclipse.jetty.websocket.api.Callback.NOOP);
        return;
      }
      SessionLog log = sessions.get(d.path("session_id").asString(""));
      if (!token.equals(d.path("token").asString()) || log == null) {
        send("{\"op\":9,\"d\":false}");
        return;
      }
      sessionId = d.path("session_id").asString();
      long after = d.path("seq").asLong(0);
      synchronized (log) {
        log.events.stream()
            .filter(e -> e.path("s").asLong() > after)
            .forEach(e -> send(e.toString()));
        send("{\"op\":0,\"s\":" + (++log.seq) + ",\"t\":\"RESUMED\",\"d\":{}}");
        ready = true;
      }
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
      closesFromClient.add(code + (reason == null || reason.isEmpty() ? "" : " " + reason));
      if (current == this) {
        ready = false;
      }
    }
  }

  /** A message the bot sent, with its edits applied. */
  public record SentMessage(
      String id,
      String channelId,
      String content,
      int edits,
      String replyTo,
      long sentAtNanos,
      List<StoredFile> files) {}

  /** A file on the CDN, uploaded by a user (for the bot to fetch) or by the bot. */
  public record StoredFile(
      String id, String filename, String contentType, byte[] bytes, String url) {}

  /** One part of a multipart request, as it came. */
  public record ReceivedPart(String name, String filename, String contentType, byte[] bytes) {}

  private final Map<String, List<SentMessage>> sent = new ConcurrentHashMap<>();
  private final AtomicInteger rateLimited = new AtomicInteger();
  private final AtomicInteger forcedGlobal = new AtomicInteger();
  private volatile double forcedRetryAfter = 0.2;
  private volatile int bucketLimit = 5;
  private volatile long bucketWindowMs = 5000;
  private final Map<String, long[]> windows =
      new ConcurrentHashMap<>(); // channel -> {start, count}
  private final AtomicInteger typing = new AtomicInteger();
  private volatile JsonNode lastCreateBody;
  /** Enforced nonces seen, by author (the one bot) and nonce: the message each created. */
  private final Map<String, SentMessage> byNonce = new ConcurrentHashMap<>();

  private static final Pattern FILE_PART = Pattern.compile("files\\[(\\d+)\\]");
  /** By path on the CDN (/attachments/{channel}/{id}/{name}). */
  private final Map<String, StoredFile> cdnFiles = new ConcurrentHashMap<>();

  private final Map<String, String> cdnSignatures = new ConcurrentHashMap<>();
  private final Set<String> expired = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cdnRequests = new AtomicInteger();
  private final List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();
  private final List<List<ReceivedPart>> uploads = new CopyOnWriteArrayList<>();
  /** Discord's default per-file limit: "20 MiB for all users". */
  private volatile long uploadLimit = 20L * 1024 * 1024;

  /**
   * A file a user attached, kept on the CDN; returns its Attachment object (id, filename,
   * content_type unless null, size, url, proxy_url) for a MESSAGE_CREATE's {@code attachments}.
   */
  public ObjectNode attachment(
      String channelId, String filename, String contentType, byte[] bytes) {
    return attachmentObject(store(channelId, filename, contentType, bytes));
  }

  /**
   * A voice message's attachment as Discord's clients upload it (Ogg/Opus, {@code
   * duration_secs} and {@code waveform}); the message itself needs flags 1 << 13.
   */
  public ObjectNode voiceMessageAttachment(String channelId, byte[] bytes) {
    return attachment(channelId, "voice-message.ogg", "audio/ogg", bytes)
        .put("duration_secs", 2.5)
        .put("waveform", java.util.Base64.getEncoder().encodeToString(new byte[] {0, 40, 80}));
  }

  /** From now on the CDN answers 404 for this URL, as for a signed link past its {@code ex}. */
  public void expire(String url) {
    expired.add(URI.create(url).getRawPath());
  }

  /** Requests the CDN received, whatever they asked for. */
  public int cdnRequests() {
    return cdnRequests.get();
  }

  /** Authorization headers the CDN was sent (none is needed). */
  public List<String> cdnAuthorizations() {
    return List.copyOf(cdnAuthorizations);
  }

  /** The parts of each multipart request to create a message, in order. */
  public List<List<ReceivedPart>> uploads() {
    return List.copyOf(uploads);
  }

  /**
   * Message content longer than this many characters is refused as Discord refuses more than
   * 2000: 400, code 50035 Invalid Form Body, {@code content: BASE_TYPE_MAX_LENGTH}. 2000 unless
   * a test lowers it.
   */
  public void contentLimit(int characters) {
    contentLimit = characters;
  }

  /**
   * The next {@code times} message creates are refused with that same 400 whatever their
   * length, as a form error Discord would give for content it will not take.
   */
  public void refuseNextMessages(int times) {
    refuseMessages.set(times);
  }

  private volatile int contentLimit = 2000;
  private final AtomicInteger refuseMessages = new AtomicInteger();

  /** Files above this many bytes are refused with 413 and code 40005. */
  public void uploadLimit(long bytes) {
    uploadLimit = bytes;
  }

  private StoredFile store(String channelId, String filename, String contentType, byte[] bytes) {
    String id = Long.toString(ids.incrementAndGet());
    String path = "/attachments/" + channelId + "/" + id + "/"
        + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    long issued = System.currentTimeMillis() / 1000;
    byte[] mac = new byte[32];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(mac);
    String signature = HexFormat.of().formatHex(mac);
    String url = cdnBase() + path + "?ex=" + Long.toHexString(issued + 86_400) + "&is="
        + Long.toHexString(issued) + "&hm=" + signature + "&";
    StoredFile file = new StoredFile(id, filename, contentType, bytes, url);
    cdnFiles.put(path, file);
    cdnSignatures.put(path, signature);
    return file;
  }

  private static ObjectNode attachmentObject(StoredFile f) {
    ObjectNode a = JSON.createObjectNode().put("id", f.id()).put("filename", f.filename());
    if (f.contentType() != null) {
      a.put("content_type", f.contentType());
    }
    return a.put("size", f.bytes().length).put("url", f.url()).put("proxy_url", f.url());
  }

  /** GET /attachments/...: the bytes, for a URL with the right signature that has not expired. */
  private boolean cdn(Request request, Response response, Callback callback) {
    cdnRequests.incrementAndGet();
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null) {
      cdnAuthorizations.add(auth);
    }
    String path = request.getHttpURI().getPath();
    StoredFile file = cdnFiles.get(path);
    String signature = Request.extractQueryParameters(request).getValue("hm");
    if (!request.getMethod().equals("GET")
        || file == null
        || expired.contains(path)
        || !cdnSignatures.get(path).equals(signature)) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      response.setStatus(404);
      response.write(
          true, StandardCharsets.UTF_8.encode("This content is no longer available."), callback);
      return true;
    }
    response
        .getHeaders()
        .put(
            HttpHeader.CONTENT_TYPE,
            file.contentType() == null ? "application/octet-stream" : file.contentType());
    response.setStatus(200);
    response.write(true, ByteBuffer.wrap(file.bytes()), callback);
    return true;
  }

  /** The JSON body of the last create-message request. */
  public JsonNode lastCreateBody() {
    return lastCreateBody;
  }

  private final AtomicLong ids = new AtomicLong(1_200_000_000_000_000_000L);

  /** Messages per channel per window in the create-message bucket. */
  public void messageBucket(int limit, long windowMs) {
    bucketLimit = limit;
    bucketWindowMs = windowMs;
  }

  /** The next {@code times} requests get a global 429 with {@code retryAfter} seconds. */
  public void globalRateLimit(int times, double retryAfter) {
    forcedRetryAfter = retryAfter;
    forcedGlobal.set(times);
  }

  public int rateLimitedAnswers() {
    return rateLimited.get();
  }

  public int typingCalls() {
    return typing.get();
  }

  public List<SentMessage> sent(String channelId) {
    return List.copyOf(sent.getOrDefault(channelId, List.of()));
  }

  /** The REST API: GET /gateway/bot and the channel routes, with Discord's rate limits. */
  private final class Rest extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (Request.getLocalPort(request) == cdnConnector.getLocalPort()) {
        return cdn(request, response, callback);
      }
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      if (tokenRefused || !("Bot " + token).equals(auth)) {
        return answer(
            response, callback, 401, "{\"message\": \"401: Unauthorized\"," + " \"code\": 0}");
      }
      if (path.equals("/api/v10/gateway/bot") && method.equals("GET")) {
        gatewayBotCalls.incrementAndGet();
        int remaining = Math.max(0, sessionStartsRemaining.get());
        return answer(
            response,
            callback,
            200,
            "{\"url\": \"" + gatewayUrl() + "\","
                + " \"shards\": 1, \"session_start_limit\": {\"total\": 1000, \"remaining\": "
                + remaining + ", \"reset_after\": 3600000, \"max_concurrency\": 1}}");
      }
      if (path.equals("/api/v10/users/@me") && method.equals("GET")) {
        return answer(
            response,
            callback,
            200,
            "{\"id\": \"" + BOT_ID + "\", \"username\":" + " \"switchboard\", \"bot\": true}");
      }
      String[] parts = path.split("/"); // "", api, v10, channels, {id}, messages|typing, {mid}
      if (parts.length >= 6 && parts[3].equals("channels")) {
        if (forcedGlobal.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          rateLimited.incrementAndGet();
          response.getHeaders().put("X-RateLimit-Global", "true");
          response.getHeaders().put("X-RateLimit-Scope", "global");
          response.getHeaders().put("Retry-After", Long.toString((long)
              Math.ceil(forcedRetryAfter)));
          return answer(
              response,
              callback,
              429,
              "{\"message\": \"You are being rate" + " limited.\", \"retry_after\": "
                  + forcedRetryAfter + ", \"global\": true}");
        }
        String channel = parts[4];
        if (parts[5].equals("typing") && method.equals("POST")) {
          typing.incrementAndGet();
          response.setStatus(204);
          callback.succeeded();
          return true;
        }
        if (parts[5].equals("messages") && method.equals("POST") && parts.length == 6) {
          return create(request, response, callback, channel);
        }
        if (parts[5].equals("messages") && method.equals("PATCH") && parts.length == 7) {
          return edit(request, response, callback, channel, parts[6]);
        }
      }
      return answer(response, callback, 404, "{\"message\": \"404: Not Found\", \"code\": 0}");
    }

    private boolean create(Request request, Response response, Callback callback, String channel)
        throws Exception {
      long now = System.nanoTime();
      long[] w = windows.computeIfAbsent(channel, k -> new long[] {now, 0});
      long resetAfterNanos;
      int remaining;
      synchronized (w) {
        if (now - w[0] >= bucketWindowMs * 1_000_000L) {
          w[0] = now;
          w[1] = 0;
        }
        resetAfterNanos = w[0] + bucketWindowMs * 1_000_000L - now;
        if (w[1] >= bucketLimit) {
          rateLimited.incrementAndGet();
          double retry = resetAfterNanos / 1e9;
          limitHeaders(response, 0, retry);
          response.getHeaders().put("Retry-After", Long.toString((long) Math.ceil(retry)));
          response.getHeaders().put("X-RateLimit-Scope", "user");
          return answer(
              response,
              callback,
              429,
              String.format(
                  java.util.Locale.ROOT,
                  "{\"message\": \"You are being rate limited.\", \"retry_after\": %.3f,"
                      + " \"global\": false}",
                  retry));
        }
        w[1]++;
        remaining = (int) (bucketLimit - w[1]);
      }
      limitHeaders(response, remaining, resetAfterNanos / 1e9);
      String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      boolean multipart = contentType != null
          && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
      JsonNode body;
      List<ReceivedPart> files = new ArrayList<>();
      if (multipart) {
        List<ReceivedPart> form = readForm(request, contentType);
        uploads.add(form);
        body = JSON.createObjectNode();
        for (ReceivedPart part : form) {
          if (part.name().equals("payload_json")) {
            body = JSON.readTree(new String(part.bytes(), StandardCharsets.UTF_8));
          } else if (FILE_PART.matcher(part.name()).matches()) {
            if (part.filename() == null) {
              return formError(
                  response,
                  callback,
                  part.name(),
                  "BASE_TYPE_REQUIRED",
                  "A file part needs a file name.");
            }
            files.add(part);
          }
        }
        for (ReceivedPart file : files) {
          if (file.bytes().length > uploadLimit) {
            return answer(
                response,
                callback,
                413,
                "{\"message\": \"Request entity too large\", \"code\": 40005}");
          }
        }
      } else {
        body = JSON.readTree(
            org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8));
      }
      String content = body.path("content").asString("");
      if (content.isEmpty() && files.isEmpty()) {
        return answer(
            response,
            callback,
            400,
            "{\"message\": \"Cannot send an empty message\", \"code\": 50006}");
      }
      if (content.codePointCount(0, content.length()) > contentLimit
          || refuseMessages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return formError(
            response,
            callback,
            "content",
            "BASE_TYPE_MAX_LENGTH",
            "Must be " + contentLimit + " or fewer in length.");
      }
      // attachments[].id names the n of a files[n] part; the entry's filename is the name the
      // file is shown with.
      Map<String, String> names = new java.util.HashMap<>();
      JsonNode listed = body.path("attachments");
      for (int i = 0; i < listed.size(); i++) {
        JsonNode entry = listed.get(i);
        String n = entry.path("id").asString("");
        if (files.stream().noneMatch(f -> f.name().equals("files[" + n + "]"))) {
          return formError(
              response,
              callback,
              "attachments." + i + ".id",
              "ATTACHMENT_NOT_FOUND",
              "No files[" + n + "] part in the request.");
        }
        names.put("files[" + n + "]", entry.path("filename").asString(null));
      }
      JsonNode nonce = body.path("nonce");
      if (nonce.isString() && nonce.asString().length() > 25) {
        return formError(
            response,
            callback,
            "nonce",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 25 in length.");
      }
      lastCreateBody = body;
      // enforce_nonce: a nonce the author used in the past few minutes returns that message
      // and creates none (this fake remembers nonces for its whole life).
      boolean enforced =
          body.path("enforce_nonce").asBoolean(false) && !nonce.isMissingNode() && !nonce.isNull();
      if (enforced) {
        SentMessage earlier = byNonce.get(nonce.asString());
        if (earlier != null) {
          return answer(response, callback, 200, message(earlier).toString());
        }
      }
      String id = Long.toString(ids.incrementAndGet());
      List<StoredFile> stored = new ArrayList<>();
      for (ReceivedPart f : files) {
        String shown = names.get(f.name());
        stored.add(store(
            channel,
            shown != null && !shown.isBlank() ? shown : f.filename(),
            f.contentType(),
            f.bytes()));
      }
      String replyTo = body.path("message_reference").path("message_id").asString(null);
      SentMessage created =
          new SentMessage(id, channel, content, 0, replyTo, now, List.copyOf(stored));
      sent.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(created);
      if (enforced) {
        byNonce.put(nonce.asString(), created);
      }
      return answer(response, callback, 200, message(created).toString());
    }

    /** Every part, read with Jetty's multipart/form-data parser. */
    private List<ReceivedPart> readForm(Request request, String contentType) throws Exception {
      MultiPartConfig config = new MultiPartConfig.Builder()
          .maxMemoryPartSize(64L << 20)
          .maxPartSize(64L << 20)
          .maxSize(64L << 20)
          .build();
      List<ReceivedPart> parts = new ArrayList<>();
      try (MultiPartFormData.Parts form =
          MultiPartFormData.getParts(request, request, contentType, config)) {
        for (MultiPart.Part part : form) {
          parts.add(new ReceivedPart(
              part.getName(),
              part.getFileName(),
              part.getHeaders().get(HttpHeader.CONTENT_TYPE),
              BufferUtil.toArray(Content.Source.asByteBuffer(part.getContentSource()))));
        }
      }
      return parts;
    }

    private boolean formError(
        Response response, Callback callback, String field, String code, String message) {
      ObjectNode error =
          JSON.createObjectNode().put("code", 50035).put("message", "Invalid Form Body");
      ObjectNode at = error.putObject("errors");
      for (String key : field.split("\\.")) {
        at = at.putObject(key);
      }
      at.putArray("_errors").addObject().put("code", code).put("message", message);
      return answer(response, callback, 400, error.toString());
    }

    private boolean edit(
        Request request, Response response, Callback callback, String channel, String id)
        throws Exception {
      List<SentMessage> list = sent.getOrDefault(channel, List.of());
      for (int i = 0; i < list.size(); i++) {
        SentMessage m = list.get(i);
        if (m.id().equals(id)) {
          JsonNode body = JSON.readTree(
              org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8));
          String content = body.path("content").asString(m.content());
          list.set(
              i,
              new SentMessage(
                  id, channel, content, m.edits() + 1, m.replyTo(), m.sentAtNanos(), m.files()));
          limitHeaders(response, 4, 5.0);
          return answer(response, callback, 200, message(list.get(i)).toString());
        }
      }
      return answer(
          response, callback, 404, "{\"code\": 10008, \"message\": \"Unknown" + " Message\"}");
    }

    /** A Message object, its files as Attachment objects on the CDN. */
    private ObjectNode message(SentMessage sentMessage) {
      ObjectNode m = JSON.createObjectNode()
          .put("id", sentMessage.id())
          .put("channel_id", sentMessage.channelId())
          .put("content", sentMessage.content())
          .put("type", 0);
      m.putObject("author")
          .put("id", Long.toString(BOT_ID))
          .put("username", "switchboard")
          .put("bot", true);
      ArrayNode attachments = m.putArray("attachments");
      sentMessage.files().forEach(f -> attachments.add(attachmentObject(f)));
      return m;
    }

    private void limitHeaders(Response response, int remaining, double resetAfter) {
      response.getHeaders().put("X-RateLimit-Limit", Integer.toString(bucketLimit));
      response.getHeaders().put("X-RateLimit-Remaining", Integer.toString(remaining));
      response
          .getHeaders()
          .put("X-RateLimit-Reset-After", String.format(java.util.Locale.ROOT, "%.3f", resetAfter));
      response.getHeaders().put("X-RateLimit-Bucket", "8a3f2b1cd0e94f57");
    }

    private boolean answer(Response response, Callback callback, int status, String body) {
      response.setStatus(status);
      response.write(true, StandardCharsets.UTF_8.encode(body), callback);
      return true;
    }
  }
}
