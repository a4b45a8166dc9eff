package dev.switchboard.platform.slack.fake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
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
 * A Slack stand-in on loopback following the published Socket Mode and Web API formats:
 * apps.connections.open (app-level token) gives a WebSocket URL; the socket says hello, sends
 * events_api envelopes, takes {"envelope_id"} acknowledgements, and sends unacknowledged
 * envelopes again (retry_attempt + 1) on the next connection; "disconnect" envelopes ask for a
 * refresh. Web API: auth.test, chat.postMessage, chat.update with {"ok": false, "error"} and 429
 * Retry-After answers.
 */
public final class FakeSlackServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String BOT_USER = "UBOT0001";

  private final String botToken;
  private final String appToken;
  private final Server server;
  private final ServerConnector connector;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> unacked = new ConcurrentHashMap<>();
  private final Set<String> acks = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final AtomicInteger mostOpen = new AtomicInteger();
  private final AtomicLong nextTs = new AtomicLong(1_764_300_000_000_100L);
  private final AtomicInteger envelopes = new AtomicInteger();
  private final AtomicInteger forced429 = new AtomicInteger();
  private final AtomicInteger rateLimited = new AtomicInteger();
  private final Map<String, List<Posted>> posted = new ConcurrentHashMap<>();

  /** A message the bot posted, with its updates applied. */
  public record Posted(String channel, String ts, String threadTs, String text, int updates) {}

  public FakeSlackServer(String botToken, String appToken) throws Exception {
    this.botToken = botToken;
    this.appToken = appToken;
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(
        server, container -> container.addMapping("/link/*", (rq, rs, cb) -> new Socket()));
    ws.setHandler(new WebApi());
    server.setHandler(ws);
    server.start();
  }

  /** http://127.0.0.1:PORT/api */
  public String apiBase() {
    return "http://127.0.0.1:" + connector.getLocalPort() + "/api";
  }

  public int connectionsOpened() {
    return connectionsOpened.get();
  }

  public int mostConnectionsOpenAtOnce() {
    return mostOpen.get();
  }

  public int openConnections() {
    return (int) sockets.stream().filter(s -> s.session.isOpen()).count();
  }

  public boolean acked(String envelopeId) {
    return acks.contains(envelopeId);
  }

  public int unackedEnvelopes() {
    return unacked.size();
  }

  public int rateLimitedAnswers() {
    return rateLimited.get();
  }

  private volatile int connectionSeconds = 18060;

  /** The approximate_connection_time the next hellos announce, in seconds. */
  public void connectionLifetime(int seconds) {
    connectionSeconds = seconds;
  }

  /** The next {@code n} Web API calls get 429 with Retry-After: 1. */
  public void rateLimitNext(int n) {
    forced429.set(n);
  }

  public List<Posted> posted(String channel) {
    return List.copyOf(posted.getOrDefault(channel, List.of()));
  }

  /** A direct message from {@code user}; returns the envelope id. */
  public String directMessage(String user, String channel, String text) {
    String ts = ts();
    ObjectNode event = JSON.createObjectNode()
        .put("type", "message")
        .put("channel", channel)
        .put("user", user)
        .put("text", text)
        .put("ts", ts)
        .put("channel_type", "im")
        .put("event_ts", ts);
    return deliver(event);
  }

  /** An app_mention in a channel, in a thread when {@code threadTs} is set. */
  public String mention(String user, String channel, String text, String threadTs) {
    String ts = ts();
    ObjectNode event = JSON.createObjectNode()
        .put("type", "app_mention")
        .put("channel", channel)
        .put("user", user)
        .put("text", "<@" + BOT_USER + "> " + text)
        .put("ts", ts)
        .put("event_ts", ts);
    if (threadTs != null) {
      event.put("thread_ts", threadTs);
    }
    return deliver(event);
  }

  private String ts() {
    long n = nextTs.incrementAndGet();
    return n / 1_000_000 + "." + String.format("%06d", n % 1_000_000);
  }

  private String deliver(ObjectNode event) {
    String envelopeId = "env-" + envelopes.incrementAndGet();
    ObjectNode payload = JSON.createObjectNode()
        .put("token", "verification")
        .put("team_id", "T1")
        .put("api_app_id", "A1")
        .put("type", "event_callback")
        .put("event_id", "Ev" + envelopeId)
        .put("event_time", 1_764_300_000L);
    payload.set("event", event);
    ObjectNode envelope = JSON.createObjectNode()
        .put("envelope_id", envelopeId)
        .put("type", "events_api")
        .put("accepts_response_payload", false)
        .put("retry_attempt", 0)
        .put("retry_reason", "");
    envelope.set("payload", payload);
    unacked.put(envelopeId, envelope);
    Socket s = newest();
    if (s != null) {
      s.send(envelope.toString());
    }
    return envelopeId;
  }

  /** Sends the same envelope again on the newest connection, as Slack does after no ack. */
  public void redeliver(String envelopeId) {
    ObjectNode envelope = unacked.getOrDefault(envelopeId, null);
    if (envelope == null) {
      throw new IllegalStateException(envelopeId + " was acknowledged");
    }
    envelope
        .put("retry_attempt", envelope.path("retry_attempt").asInt() + 1)
        .put("retry_reason", "timeout");
    newest().send(envelope.toString());
  }

  /** Any text at all on the newest connection, as a broken or hostile Slack might send. */
  public void sendRaw(String text) {
    Socket s = newest();
    if (s != null) {
      s.send(text);
    }
  }

  /** "disconnect" with reason refresh_requested on the newest connection. */
  public void requestRefresh() {
    newest()
        .send("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\","
            + "\"debug_info\":{\"host\":\"fake-slack\"}}");
  }

  public void dropConnection() {
    newest().session.disconnect();
  }

  private Socket newest() {
    for (int i = sockets.size() - 1; i >= 0; i--) {
      if (sockets.get(i).session != null && sockets.get(i).session.isOpen()) {
        return sockets.get(i);
      }
    }
    return null;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** One Socket Mode connection. */
  public final class Socket implements Session.Listener.AutoDemanding {
    volatile Session session;

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      sockets.add(this);
      connectionsOpened.incrementAndGet();
      mostOpen.accumulateAndGet(openConnections(), Math::max);
      send("{\"type\":\"hello\",\"num_connections\":" + openConnections()
          + ",\"debug_info\":{\"host\":\"fake-slack\",\"approximate_connection_time\":"
          + connectionSeconds + "},"
          + "\"connection_info\":{\"app_id\":\"A1\"}}");
      // Slack sends again what was never acknowledged.
      new ArrayList<>(unacked.values()).forEach(e -> {
        e.put("retry_attempt", e.path("retry_attempt").asInt() + 1);
        send(e.toString());
      });
    }

    void send(String text) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketText(String text) {
      String id = JSON.readTree(text).path("envelope_id").asString(null);
      if (id != null) {
        acks.add(id);
        unacked.remove(id);
      }
    }
  }

  /** The Web API methods the adapter uses. */
  private final class WebApi extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String method = Request.getPathInContext(request).replaceFirst("^/api/", "");
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      if (forced429.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        rateLimited.incrementAndGet();
        response.getHeaders().put("Retry-After", "1");
        return answer(response, callback, 429, "{\"ok\":false,\"error\":\"ratelimited\"}");
      }
      String token = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
      if (method.equals("apps.connections.open")) {
        if (!token.equals(appToken)) {
          return answer(response, callback, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
        }
        return answer(
            response,
            callback,
            200,
            "{\"ok\":true,\"url\":\"ws://127.0.0.1:"
                + connector.getLocalPort() + "/link/?ticket=t" + connectionsOpened.get()
                + "&app_id=A1\"}");
      }
      if (!token.equals(botToken)) {
        return answer(response, callback, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
      }
      JsonNode body = JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
      switch (method) {
        case "auth.test" -> {
          return answer(
              response,
              callback,
              200,
              "{\"ok\":true,\"url\":\"https://fake.slack.com/"
                  + "\",\"team\":\"Fake Team\",\"user\":\"switchboard\",\"team_id\":\"T1\","
                  + "\"user_id\":\"" + BOT_USER + "\",\"bot_id\":\"B1\"}");
        }
        case "chat.postMessage" -> {
          String channel = body.path("channel").asString("");
          String text = body.path("text").asString("");
          if (channel.isEmpty() || text.isEmpty()) {
            return answer(
                response,
                callback,
                200,
                "{\"ok\":false,\"error\":\"" + (channel.isEmpty() ? "channel_not_found" : "no_text")
                    + "\"}");
          }
          String ts = ts();
          posted
              .computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>())
              .add(new Posted(channel, ts, body.path("thread_ts").asString(null), text, 0));
          return answer(
              response,
              callback,
              200,
              "{\"ok\":true,\"channel\":\"" + channel
                  + "\",\"ts\":\"" + ts + "\",\"message\":{\"type\":\"message\",\"text\":"
                  + JSON.writeValueAsString(text) + ",\"user\":\"" + BOT_USER + "\",\"ts\":\"" + ts
                  + "\"}}");
        }
        case "chat.update" -> {
          String channel = body.path("channel").asString("");
          String ts = body.path("ts").asString("");
          List<Posted> list = posted.getOrDefault(channel, List.of());
          for (int i = 0; i < list.size(); i++) {
            Posted p = list.get(i);
            if (p.ts().equals(ts)) {
              list.set(
                  i,
                  new Posted(
                      channel, ts, p.threadTs(), body.path("text").asString(), p.updates() + 1));
              return answer(
                  response,
                  callback,
                  200,
                  "{\"ok\":true,\"channel\":\"" + channel
                      + "\",\"ts\":\"" + ts + "\",\"text\":"
                      + JSON.writeValueAsString(body.path("text").asString()) + "}");
            }
          }
          return answer(response, callback, 200, "{\"ok\":false,\"error\":\"message_not_found\"}");
        }
        default -> {
          return answer(response, callback, 200, "{\"ok\":false,\"error\":\"unknown_method\"}");
        }
      }
    }

    private boolean answer(Response response, Callback callback, int status, String body) {
      response.setStatus(status);
      response.write(true, StandardCharsets.UTF_8.encode(body), callback);
      return true;
    }
  }
}
