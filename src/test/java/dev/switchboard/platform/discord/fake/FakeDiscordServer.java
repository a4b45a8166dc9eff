package dev.switchboard.platform.discord.fake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Discord API v10 stand-in on loopback, following the published Gateway protocol: GET
 * /api/v10/gateway/bot (with session_start_limit), a WebSocket gateway at /gateway that says
 * Hello, answers Identify with READY (session_id, resume_gateway_url pointing at /resume),
 * acknowledges heartbeats, replays missed dispatches on Resume and then says RESUMED, and
 * closes with 4004 for a wrong token. Switches: withhold heartbeat ACKs, ask for a reconnect
 * (op 7), invalidate the session (op 9), drop the connection without a close frame, close with
 * a given code.
 */
public final class FakeDiscordServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  public static final long BOT_ID = 9_000_000_000_000_001L;

  private final String token;
  private final Server server;
  private final ServerConnector connector;
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
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
      container.addMapping("/gateway/*", (rq, rs, cb) -> new Connection());
      container.addMapping("/resume/*", (rq, rs, cb) -> new Connection());
    });
    ws.setHandler(new Rest());
    server.setHandler(ws);
    server.start();
  }

  public URI gatewayUrl() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/gateway");
  }

  public URI resumeUrl() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/resume");
  }

  /** http://127.0.0.1:PORT/api/v10 */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/v10");
  }

  public void heartbeatInterval(int millis) {
    heartbeatIntervalMs.set(millis);
  }

  /** While false, heartbeats are received but never acknowledged (a zombie connection). */
  public void ackHeartbeats(boolean on) {
    ackHeartbeats = on;
  }

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
  public String messageCreate(String channelId, String guildId, String authorId,
      String username, String content) {
    String id = Long.toString(System.nanoTime());
    ObjectNode d = JSON.createObjectNode().put("id", id).put("channel_id", channelId)
        .put("content", content).put("type", 0).put("timestamp", "2026-11-28T10:00:00+00:00");
    if (guildId != null) {
      d.put("guild_id", guildId);
    }
    d.putObject("author").put("id", authorId).put("username", username)
        .put("global_name", username).put("bot", false);
    d.putArray("mentions");
    dispatch("MESSAGE_CREATE", d);
    return id;
  }

  private void dispatch(String type, ObjectNode d) {
    Connection c = current;
    String sessionId = c == null ? lastSessionId() : c.sessionId;
    SessionLog log = sessionId == null ? null : sessions.get(sessionId);
    if (log == null) {
      throw new IllegalStateException("no session to dispatch in");
    }
    ObjectNode event;
    synchronized (log) {
      event = JSON.createObjectNode().put("op", 0).put("s", ++log.seq).put("t", type);
      event.set("d", d);
      log.events.add(event);
    }
    if (c != null && c.ready) {
      c.send(event.toString());
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
          if (ackHeartbeats) {
            send("{\"op\":11}");
          }
        }
        case 2 -> identify(p.path("d"));
        case 6 -> resume(p.path("d"));
        default -> session.close(4001, "Unknown opcode.",
            org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    private void identify(JsonNode d) {
      identifies.incrementAndGet();
      if (!token.equals(d.path("token").asString())) {
        session.close(4004, "Authentication failed.",
            org.eclipse.jetty.websocket.api.Callback.NOOP);
        return;
      }
      identifyIntents.add(d.path("intents").asInt());
      sessionStartsRemaining.decrementAndGet();
      sessionId = String.format("session-%04d", nextSession.getAndIncrement());
      SessionLog log = new SessionLog();
      sessions.put(sessionId, log);
      ObjectNode ready = JSON.createObjectNode().put("v", 10).put("session_id", sessionId)
          .put("resume_gateway_url", resumeUrl().toString());
      ready.putObject("user").put("id", Long.toString(BOT_ID)).put("username", "switchboard")
          .put("bot", true);
      ready.putArray("guilds");
      ready.putArray("shard").add(0).add(1);
      ready.putObject("application").put("id", Long.toString(BOT_ID));
      ObjectNode event;
      synchronized (log) {
        event = JSON.createObjectNode().put("op", 0).put("s", ++log.seq).put("t", "READY");
        event.set("d", ready);
      }
      send(event.toString());
      this.ready = true;
    }

    private void resume(JsonNode d) {
      resumes.incrementAndGet();
      SessionLog log = sessions.get(d.path("session_id").asString(""));
      if (!token.equals(d.path("token").asString()) || log == null) {
        send("{\"op\":9,\"d\":false}");
        return;
      }
      sessionId = d.path("session_id").asString();
      long after = d.path("seq").asLong(0);
      List<ObjectNode> missed;
      long seq;
      synchronized (log) {
        missed = log.events.stream().filter(e -> e.path("s").asLong() > after).toList();
        seq = ++log.seq;
      }
      missed.forEach(e -> send(e.toString()));
      send("{\"op\":0,\"s\":" + seq + ",\"t\":\"RESUMED\",\"d\":{}}");
      ready = true;
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
      closesFromClient.add(code + (reason == null || reason.isEmpty() ? "" : " " + reason));
      if (current == this) {
        ready = false;
      }
    }
  }

  /** GET /api/v10/gateway/bot, with the bot token checked as Discord does. */
  private final class Rest extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      if (!("Bot " + token).equals(auth)) {
        response.setStatus(401);
        response.write(true, StandardCharsets.UTF_8.encode(
            "{\"message\": \"401: Unauthorized\", \"code\": 0}"), callback);
        return true;
      }
      if (path.equals("/api/v10/gateway/bot") && request.getMethod().equals("GET")) {
        gatewayBotCalls.incrementAndGet();
        int remaining = Math.max(0, sessionStartsRemaining.get());
        String body = "{\"url\": \"" + gatewayUrl() + "\", \"shards\": 1,"
            + " \"session_start_limit\": {\"total\": 1000, \"remaining\": " + remaining
            + ", \"reset_after\": 3600000, \"max_concurrency\": 1}}";
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
        return true;
      }
      response.setStatus(404);
      response.write(true, StandardCharsets.UTF_8.encode(
          "{\"message\": \"404: Not Found\", \"code\": 0}"), callback);
      return true;
    }
  }
}
