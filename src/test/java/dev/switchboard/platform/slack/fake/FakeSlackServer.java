package dev.switchboard.platform.slack.fake;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Files: message events with a {@code files} array of file objects (subtype file_share);
 * each file served at its url_private(_download) under {@link #filesBase()} to the bot token
 * only, with Slack's sign-in page (200 text/html, or a redirect to the workspace) for a token
 * without files:read and 404 for a deleted file. Uploads: files.getUploadURLExternal (filename,
 * length; form-encoded or JSON) gives an upload_url and a file_id, the bytes are POSTed to the
 * upload_url, and files.completeUploadExternal (files=[{id,title}], channel_id, thread_ts,
 * initial_comment) shares them, answering with the file objects. A second listener stands for
 * any other host ({@link #foreignBase()}) and counts what reaches it.
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
  private final ServerConnector elsewhere;
  private final AtomicInteger nextFile = new AtomicInteger();
  private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();
  private final AtomicInteger fileRequests = new AtomicInteger();
  private final AtomicInteger foreignRequests = new AtomicInteger();
  private final AtomicInteger foreignTokens = new AtomicInteger();
  private final Set<String> revokedScopes = ConcurrentHashMap.newKeySet();
  private final Set<String> channelsWithoutBot = ConcurrentHashMap.newKeySet();
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final List<Shared> shared = new CopyOnWriteArrayList<>();
  private final List<String> uploadRequests = new CopyOnWriteArrayList<>();
  private volatile String nextUploadError;
  private volatile boolean loginPageByRedirect;
  private volatile boolean shareInBackground;

  /** A message the bot posted, with its updates applied. */
  public record Posted(String channel, String ts, String threadTs, String text, int updates) {}

  /** A file a user shared, as the fake serves it. */
  private record Hosted(String name, String mimetype, byte[] bytes) {}

  /** An upload files.getUploadURLExternal began: its bytes once they were POSTed. */
  private record Upload(String fileId, String filename, long length, byte[] bytes) {}

  /**
   * A file the bot shared with files.completeUploadExternal: the bytes it uploaded, where, and
   * the ts of the message that shows it.
   */
  public record Shared(
      String fileId,
      String filename,
      String title,
      long declaredLength,
      byte[] bytes,
      String channel,
      String threadTs,
      String initialComment,
      String ts) {}

  public FakeSlackServer(String botToken, String appToken) throws Exception {
    this.botToken = botToken;
    this.appToken = appToken;
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    elsewhere = new ServerConnector(server);
    elsewhere.setHost("127.0.0.1");
    elsewhere.setPort(0);
    server.addConnector(elsewhere);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(
        server, container -> container.addMapping("/link/*", (rq, rs, cb) -> new Socket()));
    ws.setHandler(new WebApi());
    server.setHandler(ws);
    server.start();
  }

  private volatile int advertisedPort;

  /**
   * The Socket Mode URLs apps.connections.open hands out name {@code port} instead of this
   * server's: a {@code TcpGate} in front of it carries the WebSocket too.
   */
  public void advertisePort(int port) {
    advertisedPort = port;
  }

  /** The port this server listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** http://127.0.0.1:PORT/api */
  public String apiBase() {
    return "http://127.0.0.1:" + connector.getLocalPort() + "/api";
  }

  /** Where the files users share are served: http://127.0.0.1:PORT (Slack: files.slack.com). */
  public String filesBase() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  /** Another host: what reaches it is counted, and it answers with a sign-in page. */
  public String foreignBase() {
    return "http://127.0.0.1:" + elsewhere.getLocalPort();
  }

  /** Requests that reached {@link #foreignBase()}. */
  public int foreignRequests() {
    return foreignRequests.get();
  }

  /** Requests to {@link #foreignBase()} that carried an Authorization header. */
  public int foreignRequestsWithAToken() {
    return foreignTokens.get();
  }

  /** Requests for the files users shared, whatever the answer. */
  public int fileRequests() {
    return fileRequests.get();
  }

  /** The bot token loses a scope: files:read (downloads get the sign-in page), files:write. */
  public void revokeScope(String scope) {
    revokedScopes.add(scope);
  }

  /** Without files:read, downloads are redirected to the workspace's sign-in page. */
  public void loginPageByRedirect() {
    loginPageByRedirect = true;
  }

  /** The bot is not a member: files.completeUploadExternal answers not_in_channel. */
  public void removeBotFrom(String channel) {
    channelsWithoutBot.add(channel);
  }

  /**
   * chat.postMessage with a text longer than this many characters answers {"ok": false,
   * "error": "msg_too_long"}, as Slack does for text beyond its limit; no limit unless set.
   */
  public void textLimit(int characters) {
    textLimit = characters;
  }

  /** The next {@code times} chat.postMessage calls answer {"ok": false, "error": error}. */
  public void refuseNextPosts(int times, String error) {
    postRefusal = error;
    refusePosts.set(times);
  }

  /** The arguments of every chat.postMessage that was taken, in order. */
  public List<JsonNode> postArguments() {
    return List.copyOf(postArguments);
  }

  private volatile int textLimit = Integer.MAX_VALUE;
  private volatile String postRefusal = "msg_too_long";
  private final AtomicInteger refusePosts = new AtomicInteger();
  private final List<JsonNode> postArguments = new CopyOnWriteArrayList<>();

  /**
   * While on, both tokens are refused, as after the app was reinstalled or its tokens revoked:
   * every Web API method (auth.test, apps.connections.open, ...) answers {@code {"ok": false,
   * "error": "invalid_auth"}}. Off again, they work.
   */
  public void refuseTokens(boolean on) {
    tokensRefused = on;
  }

  private volatile boolean tokensRefused;

  /** The next files.getUploadURLExternal answers {"ok": false, "error": error}. */
  public void refuseNextUpload(String error) {
    nextUploadError = error;
  }

  /**
   * files.completeUploadExternal answers before the file is shared, as Slack often does: its
   * file objects have no shares yet.
   */
  public void shareInBackground() {
    shareInBackground = true;
  }

  /** What files.completeUploadExternal shared, in order. */
  public List<Shared> shared() {
    return List.copyOf(shared);
  }

  /** The Web API files methods called, in order. */
  public List<String> uploadRequests() {
    return List.copyOf(uploadRequests);
  }

  /** Deletes a shared file: its URLs answer 404 from now on. */
  public void deleteFile(ObjectNode file) {
    hosted.remove(file.path("id").asString());
  }

  /** A file a user shares, hosted here: Slack's file object for a message event's files. */
  public ObjectNode hostedFile(String name, String mimetype, byte[] bytes) {
    String id = "F0FAKE" + nextFile.incrementAndGet();
    hosted.put(id, new Hosted(name, mimetype, bytes));
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "binary";
    return JSON.createObjectNode()
        .put("id", id)
        .put("created", 1_764_300_000L)
        .put("timestamp", 1_764_300_000L)
        .put("name", name)
        .put("title", name)
        .put("mimetype", mimetype)
        .put("filetype", ext)
        .put("pretty_type", ext.toUpperCase(Locale.ROOT))
        .put("user", "U1")
        .put("user_team", "T1")
        .put("editable", false)
        .put("size", bytes.length)
        .put("mode", "hosted")
        .put("is_external", false)
        .put("external_type", "")
        .put("is_public", false)
        .put("public_url_shared", false)
        .put("display_as_bot", false)
        .put("username", "")
        .put("url_private", filesBase() + "/files-pri/T1-" + id + "/" + encoded)
        .put("url_private_download", filesBase() + "/files-pri/T1-" + id + "/download/" + encoded)
        .put("permalink", "https://fake.slack.com/files/U1/" + id + "/" + encoded)
        .put("has_rich_preview", false)
        .put("file_access", "visible");
  }

  /** An audio clip recorded in Slack: a file with subtype slack_audio. */
  public ObjectNode audioClip(String mimetype, byte[] bytes) {
    return hostedFile("audio_message.mp4", mimetype, bytes)
        .put("subtype", "slack_audio")
        .put("media_display_type", "audio");
  }

  /** A direct message with files (subtype file_share); returns the envelope id. */
  public String directMessageWithFiles(
      String user, String channel, String text, ObjectNode... files) {
    String ts = ts();
    ObjectNode event = JSON.createObjectNode()
        .put("type", "message")
        .put("subtype", "file_share")
        .put("text", text)
        .put("upload", false)
        .put("user", user)
        .put("display_as_bot", false)
        .put("ts", ts)
        .put("channel", channel)
        .put("event_ts", ts)
        .put("channel_type", "im");
    event.putArray("files").addAll(List.of(files));
    return deliver(event);
  }

  /** An app_mention that came with files, in a thread when {@code threadTs} is set. */
  public String mentionWithFiles(
      String user, String channel, String text, String threadTs, ObjectNode... files) {
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
    event.putArray("files").addAll(List.of(files));
    return deliver(event);
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
      String path = Request.getPathInContext(request);
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if (Request.getLocalPort(request) == elsewhere.getLocalPort()) {
        foreignRequests.incrementAndGet();
        if (auth != null) {
          foreignTokens.incrementAndGet();
        }
        return signInPage(response, callback);
      }
      if (path.startsWith("/files-pri/")) {
        return file(path, auth, response, callback);
      }
      if (path.startsWith("/upload/v1/")) {
        return upload(path, request, response, callback);
      }
      String method = path.replaceFirst("^/api/", "");
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      if (forced429.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        rateLimited.incrementAndGet();
        response.getHeaders().put("Retry-After", "1");
        return answer(response, callback, 429, "{\"ok\":false,\"error\":\"ratelimited\"}");
      }
      String token = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
      if (method.equals("apps.connections.open")) {
        if (tokensRefused || !token.equals(appToken)) {
          return answer(response, callback, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
        }
        return answer(
            response,
            callback,
            200,
            "{\"ok\":true,\"url\":\"ws://127.0.0.1:"
                + (advertisedPort != 0 ? advertisedPort : connector.getLocalPort())
                + "/link/?ticket=t" + connectionsOpened.get()
                + "&app_id=A1\"}");
      }
      if (tokensRefused || !token.equals(botToken)) {
        return answer(response, callback, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
      }
      JsonNode body = arguments(request);
      switch (method) {
        case "files.getUploadURLExternal" -> {
          uploadRequests.add(method);
          return answer(response, callback, 200, uploadUrl(body).toString());
        }
        case "files.completeUploadExternal" -> {
          uploadRequests.add(method);
          return answer(response, callback, 200, complete(body).toString());
        }
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
          if (refusePosts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return answer(response, callback, 200, error(postRefusal).toString());
          }
          if (text.codePointCount(0, text.length()) > textLimit) {
            return answer(response, callback, 200, error("msg_too_long").toString());
          }
          postArguments.add(body);
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

    /** A method's arguments, form-encoded or JSON, as Slack takes both. */
    private JsonNode arguments(Request request) throws Exception {
      String text = Content.Source.asString(request, StandardCharsets.UTF_8);
      String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
        ObjectNode form = JSON.createObjectNode();
        for (String pair : text.split("&")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String k = eq < 0 ? pair : pair.substring(0, eq);
          String v = eq < 0 ? "" : pair.substring(eq + 1);
          form.put(
              URLDecoder.decode(k, StandardCharsets.UTF_8),
              URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return form;
      }
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    private ObjectNode error(String error) {
      return JSON.createObjectNode().put("ok", false).put("error", error);
    }

    private ObjectNode uploadUrl(JsonNode args) {
      if (revokedScopes.contains("files:write")) {
        return error("missing_scope").put("needed", "files:write").put("provided", "chat:write");
      }
      String refusal = nextUploadError;
      nextUploadError = null;
      if (refusal != null) {
        return error(refusal);
      }
      String filename = args.path("filename").asString("");
      long length;
      try {
        length = Long.parseLong(args.path("length").asString(""));
      } catch (NumberFormatException e) {
        length = args.path("length").asLong(0);
      }
      if (filename.isEmpty() || length <= 0) {
        return error("missing_argument");
      }
      String fileId = "F0UP" + nextFile.incrementAndGet();
      String key = "v1-" + fileId + "-" + Long.toHexString(System.nanoTime());
      uploads.put(key, new Upload(fileId, filename, length, null));
      return JSON.createObjectNode()
          .put("ok", true)
          .put("upload_url", filesBase() + "/upload/v1/" + key)
          .put("file_id", fileId);
    }

    /** The pre-signed upload URL: raw bytes in, "OK - length" out; no token needed. */
    private boolean upload(String path, Request request, Response response, Callback callback)
        throws Exception {
      String key = path.substring("/upload/v1/".length());
      Upload u = uploads.get(key);
      if (u == null || !request.getMethod().equals("POST")) {
        response.setStatus(404);
        response.write(true, StandardCharsets.UTF_8.encode("not found"), callback);
        return true;
      }
      byte[] bytes = Content.Source.asInputStream(request).readAllBytes();
      uploads.put(key, new Upload(u.fileId(), u.filename(), u.length(), bytes));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      return answer(response, callback, 200, "OK - " + bytes.length);
    }

    private ObjectNode complete(JsonNode args) {
      if (revokedScopes.contains("files:write")) {
        return error("missing_scope").put("needed", "files:write").put("provided", "chat:write");
      }
      JsonNode files = args.path("files");
      if (files.isString()) {
        try {
          files = JSON.readTree(files.asString());
        } catch (RuntimeException e) {
          return error("invalid_arguments");
        }
      }
      if (!files.isArray() || files.isEmpty()) {
        return error("invalid_arguments");
      }
      String channel = args.path("channel_id").asString("");
      if (channelsWithoutBot.contains(channel)) {
        return error("not_in_channel");
      }
      ObjectNode answer = JSON.createObjectNode().put("ok", true);
      var out = answer.putArray("files");
      for (JsonNode f : files) {
        String id = f.path("id").asString("");
        Upload u = uploads.values().stream()
            .filter(x -> x.fileId().equals(id) && x.bytes() != null)
            .findFirst()
            .orElse(null);
        if (u == null) {
          return error("file_not_found");
        }
        String title = f.path("title").asString(u.filename());
        String ts = channel.isEmpty() ? null : ts();
        String threadTs = args.path("thread_ts").asString(null);
        shared.add(new Shared(
            id,
            u.filename(),
            title,
            u.length(),
            u.bytes(),
            channel,
            threadTs,
            args.path("initial_comment").asString(null),
            ts));
        ObjectNode file = out.addObject()
            .put("id", id)
            .put("name", u.filename())
            .put("title", title)
            .put("size", u.bytes().length)
            .put("mode", "hosted")
            .put("user", BOT_USER);
        ObjectNode shares = file.putObject("shares");
        if (ts != null && !shareInBackground) {
          ObjectNode share = shares
              .putObject(channel.startsWith("C") ? "public" : "private")
              .putArray(channel)
              .addObject()
              .put("ts", ts)
              .put("channel_name", channel.toLowerCase(Locale.ROOT))
              .put("team_id", "T1")
              .put("share_user_id", BOT_USER)
              .put("reply_count", 0);
          if (threadTs != null) {
            share.put("thread_ts", threadTs);
          }
        }
      }
      return answer;
    }

    /** A shared file, to the bot token with files:read; Slack's sign-in page otherwise. */
    private boolean file(String path, String auth, Response response, Callback callback) {
      fileRequests.incrementAndGet();
      if (!("Bearer " + botToken).equals(auth) || revokedScopes.contains("files:read")) {
        if (loginPageByRedirect) {
          response.setStatus(302);
          response.getHeaders().put(HttpHeader.LOCATION, foreignBase() + "/?redir=" + path);
          response.write(true, StandardCharsets.UTF_8.encode(""), callback);
          return true;
        }
        return signInPage(response, callback);
      }
      String id = path.replaceFirst("^/files-pri/T1-([^/]+)/.*$", "$1");
      Hosted h = hosted.get(id);
      if (h == null) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        return answer(response, callback, 404, "<html><body>File not found</body></html>");
      }
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, h.mimetype());
      response.write(true, ByteBuffer.wrap(h.bytes()), callback);
      return true;
    }

    private boolean signInPage(Response response, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
      return answer(
          response,
          callback,
          200,
          "<!DOCTYPE html><html lang=\"en-US\"><head><title>Slack</title></head>"
              + "<body>Sign in to your workspace</body></html>");
    }
  }
}
