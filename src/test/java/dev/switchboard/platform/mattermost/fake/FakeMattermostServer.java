package dev.switchboard.platform.mattermost.fake;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.http.pathmap.RegexPathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Mattermost server (REST API v4 and WebSocket) on loopback, following the server's code as
 * /work/mattermost-wire.md reads it ("MM:" paths below are in github.com/mattermost/mattermost).
 *
 * <p>REST under {@code /api/v4}: users/me, posts (201, and a {@code posted} event to every
 * connection, the bot's own included), posts/{id}, posts/{id}/patch ({@code post_edited}),
 * users/{id}/typing, files (multipart, 201), files/{id}[/info], users/me/channels,
 * channels/{id}[/posts?since=|page=&per_page=], config/client?format=old. Errors are AppError JSON
 * with the server's ids; a 429 is Go's plain-text {@code http.Error}.
 *
 * <p>WebSocket at {@code /api/v4/websocket}, with the reliable-websocket semantics of MM:
 * server/channels/app/platform/web_conn.go: every connection has an id and a seq counter; the last
 * 128 events written are kept (the dead queue) and events broadcast while no socket is open wait in
 * the connection's send queue (256; one more drops the connection). A reconnect with {@code
 * connection_id} and {@code sequence_number} replays from the dead queue (no hello), goes on
 * losslessly, or - when events were lost - gets a new connection id and a hello at seq 0, the
 * queued events after it.
 *
 * <p>Ids in URLs and WebSocket data must be Mattermost ids (26 letters or digits, {@link
 * #newId()}), as on the real server. The bot belongs to every channel it names: one it has not
 * seen yet becomes an "O" channel of {@link #TEAM_ID}. Where the real server answers a bad token
 * at the upgrade with a silent socket closed after 5 s, this one answers HTTP 401.
 */
public final class FakeMattermostServer implements AutoCloseable {
  public static final String BOT_ID = "bot0000000000000000000001a"; // 26 chars
  public static final String BOT_NAME = "switchboard";
  /** The team every "O" channel is in. */
  public static final String TEAM_ID = "team000000000000000000001a";

  public static final String VERSION = "10.5.0";
  private static final String VERSION_ID = VERSION + ".0.abc.false"; // version.build.hash.licensed
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ID_ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769"; // model.NewId
  private static final int DEAD_QUEUE_SIZE = 128; // web_conn.go deadQueueSize
  private static final int SEND_QUEUE_SIZE = 256; // web_conn.go sendQueueSize
  private static final String PERMISSIONS = "You do not have the appropriate permissions.";

  private final String token;
  private final Server server;
  private final ServerConnector connector;
  private volatile boolean tokenRefused;
  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private final Map<String, Post> posts = new LinkedHashMap<>(); // in creation order
  private final Map<String, StoredFile> files = new LinkedHashMap<>();
  private final Map<String, Conn> conns = new LinkedHashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final List<JsonNode> postBodies = new ArrayList<>();
  private long clock;
  private int maxPostSize = 16383;
  private long maxFileSize = 100L * 1024 * 1024;
  private int typing;
  private int opened;
  private int resumes;
  private int rateLimitNext;
  private int rateLimited;
  private int refusePosts;
  private String refusalId = "";
  private String refusalMessage = "";

  /** A post the bot created, with its patches applied. */
  public record Posted(
      String id,
      String channelId,
      String rootId,
      String message,
      int edits,
      List<String> fileIds) {}

  private record Channel(
      String id, String type, String name, String displayName, String teamId, long createAt) {}

  private static final class Post {
    final String id = newId();
    final String channelId;
    final String userId;
    final String rootId;
    final long createAt;
    final List<String> fileIds;
    String message;
    String type = "";
    String pendingPostId = "";
    ObjectNode props = JSON.createObjectNode();
    long updateAt;
    long editAt;
    int edits;

    Post(String channel, String user, String root, String text, List<String> files, long now) {
      channelId = channel;
      userId = user;
      rootId = root;
      message = text;
      fileIds = List.copyOf(files);
      createAt = now;
      updateAt = now;
    }
  }

  private static final class StoredFile {
    final String id = newId();
    final String name;
    final String mimeType;
    final byte[] bytes;
    final boolean byBot;
    final long createAt;
    String userId = "";
    String channelId = "";
    String postId = "";

    StoredFile(String name, String mimeType, byte[] bytes, boolean byBot, long now) {
      this.name = name;
      this.mimeType = mimeType;
      this.bytes = bytes.clone();
      this.byBot = byBot;
      this.createAt = now;
    }
  }

  /** A WebConn: id, next seq, the events written (dead queue) and waiting (send queue). */
  private static final class Conn {
    String id = newId();
    long seq;
    boolean forgotten;
    final ArrayDeque<Written> dead = new ArrayDeque<>();
    final ArrayDeque<Event> queue = new ArrayDeque<>();

    @Nullable
    Socket socket;
  }

  /** An event; its seq is set when it is written, as writePump does. */
  private record Event(String event, String data, String broadcast, boolean precomputed) {
    String frame(long seq) {
      // Hub broadcasts are precomputed (websocket_message.go precomputedJSONBuf, spaces and all);
      // the hello goes through json.Encoder, compact with a newline.
      return precomputed
          ? "{\"event\": \"" + event + "\", \"data\": " + data + ", \"broadcast\": " + broadcast
              + ", \"seq\": " + seq + "}"
          : "{\"event\":\"" + event + "\",\"data\":" + data + ",\"broadcast\":" + broadcast
              + ",\"seq\":" + seq + "}\n";
    }
  }

  private record Written(long seq, String frame) {}

  public FakeMattermostServer(String token) throws Exception {
    this.token = token;
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
      container.setIdleTimeout(Duration.ofMinutes(10));
      // api4/websocket.go: "/{websocket:websocket(?:\\/)?}"
      container.addMapping(new RegexPathSpec("^/api/v4/websocket/?$"), (rq, rs, cb) -> {
        if (!authorized(rq.getHeaders().get(HttpHeader.AUTHORIZATION))) {
          Response.writeError(rq, rs, cb, 401);
          return null;
        }
        Fields query = Request.extractQueryParameters(rq);
        String id = query.getValue("connection_id");
        return new Socket(id == null ? "" : id, query.getValue("sequence_number"));
      });
    });
    ws.setHandler(new Rest());
    server.setHandler(ws);
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** http://127.0.0.1:PORT; REST under /api/v4, the WebSocket at /api/v4/websocket. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** A new Mattermost id: 26 characters of model.NewId's alphabet. */
  public static String newId() {
    StringBuilder b = new StringBuilder(26);
    for (int i = 0; i < 26; i++) {
      b.append(ID_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ID_ALPHABET.length())));
    }
    return b.toString();
  }

  // ---- what users do ----

  /** A direct message from a user (channel_type "D"); returns the post id. */
  public String directMessage(String userId, String username, String channelId, String text) {
    return inbound(userId, username, channelId, "D", text, "", false, List.of());
  }

  /** A post in an open channel (channel_type "O"); {@code rootId} "" for a root post. */
  public String channelPost(
      String userId,
      String username,
      String channelId,
      String text,
      String rootId,
      boolean mentionsBot) {
    return inbound(userId, username, channelId, "O", text, rootId, mentionsBot, List.of());
  }

  /** A direct message with files from {@link #hostedFile}. */
  public String directMessageWithFiles(
      String userId, String username, String channelId, String text, List<ObjectNode> fileInfos) {
    List<String> ids = fileInfos.stream().map(f -> f.path("id").asString()).toList();
    return inbound(userId, username, channelId, "D", text, "", false, ids);
  }

  /** A file a user uploads, for {@link #directMessageWithFiles}; returns its FileInfo. */
  public ObjectNode hostedFile(String name, String mimeType, byte[] bytes) {
    synchronized (lock) {
      StoredFile f = new StoredFile(name, mimeType, bytes, false, now());
      files.put(f.id, f);
      return fileJson(f);
    }
  }

  /** A user edits their post: a {@code post_edited} event. */
  public void editByUser(String postId, String text) {
    synchronized (lock) {
      Post p = posts.get(postId);
      if (p == null) {
        throw new IllegalArgumentException("no post " + postId);
      }
      p.message = text;
      p.updateAt = now();
      p.editAt = p.updateAt;
      broadcastEdited(p);
    }
  }

  /** Any text on the open socket(s), as a broken server or proxy might send. */
  public void sendRaw(String text) {
    synchronized (lock) {
      conns.values().stream().filter(c -> c.socket != null).forEach(c -> c.socket.send(text));
    }
  }

  private String inbound(
      String userId,
      String username,
      String channelId,
      String type,
      String text,
      String rootId,
      boolean mentionsBot,
      List<String> fileIds) {
    synchronized (lock) {
      Channel ch = channel(channelId, type, userId);
      Post p = newPost(ch, userId, rootId == null ? "" : rootId, text, fileIds);
      for (String id : fileIds) {
        StoredFile f = files.get(id);
        if (f != null) {
          f.userId = userId;
          f.channelId = ch.id();
          f.postId = p.id;
        }
      }
      broadcastPosted(ch, p, username, true, mentionsBot);
      return p.id;
    }
  }

  // ---- what the bot did ----

  /** The posts the bot created in the channel, in order, with their current text. */
  public List<Posted> posts(String channelId) {
    synchronized (lock) {
      return posts.values().stream()
          .filter(p -> p.userId.equals(BOT_ID) && p.channelId.equals(channelId))
          .map(p -> new Posted(p.id, p.channelId, p.rootId, p.message, p.edits, p.fileIds))
          .toList();
    }
  }

  /** The bodies of the POST /posts calls that created a post, in order. */
  public List<JsonNode> postBodies() {
    synchronized (lock) {
      return List.copyOf(postBodies);
    }
  }

  /** Typing via REST or the WebSocket user_typing action. */
  public int typingCalls() {
    synchronized (lock) {
      return typing;
    }
  }

  /** The bytes the bot uploaded via POST /files under that id; null for any other id. */
  public byte @Nullable [] uploadedBytes(String fileId) {
    synchronized (lock) {
      StoredFile f = files.get(fileId);
      return f != null && f.byBot ? f.bytes.clone() : null;
    }
  }

  /** REST calls whose "METHOD /path" (no query) starts with the prefix, whatever the answer. */
  public int restCalls(String methodAndPathPrefix) {
    synchronized (lock) {
      return (int) calls.stream().filter(c -> c.startsWith(methodAndPathPrefix)).count();
    }
  }

  public int rateLimitedAnswers() {
    synchronized (lock) {
      return rateLimited;
    }
  }

  // ---- connections ----

  /** A WebSocket is open. */
  public boolean connected() {
    synchronized (lock) {
      return conns.values().stream().anyMatch(c -> c.socket != null && c.socket.isOpen());
    }
  }

  /** The connection id of the open socket, if any. */
  public @Nullable String connectionId() {
    synchronized (lock) {
      return conns.values().stream()
          .filter(c -> c.socket != null)
          .map(c -> c.id)
          .findFirst()
          .orElse(null);
    }
  }

  /** Upgrades accepted. */
  public int connectionsOpened() {
    synchronized (lock) {
      return opened;
    }
  }

  /** Reconnects that went on with a known connection_id (replayed or lossless, no hello). */
  public int resumes() {
    synchronized (lock) {
      return resumes;
    }
  }

  /** Ends the open socket(s) without a close frame; the connection stays for a resume. */
  public void dropConnection() {
    synchronized (lock) {
      for (Conn c : new ArrayList<>(conns.values())) {
        Socket s = c.socket;
        if (s != null) {
          detach(c);
          s.disconnect();
        }
      }
    }
  }

  private volatile boolean failChannelList;

  /** While on, {@code GET /users/me/channels} fails with a 500, as a server in trouble does. */
  public void failChannelList(boolean on) {
    failChannelList = on;
  }

  /** The server forgets every connection id, as when it reaps inactive ones or restarts. */
  public void forgetConnections() {
    synchronized (lock) {
      conns.values().removeIf(c -> c.socket == null);
      conns.values().forEach(c -> c.forgotten = true); // an open one still gets its events
    }
  }

  // ---- faults and limits ----

  /** While on, REST answers 401 session_expired and the upgrade 401. */
  public void refuseToken(boolean on) {
    tokenRefused = on;
  }

  /** The next {@code n} REST calls answer 429 as the rate limiter does. */
  public void rateLimitNext(int n) {
    synchronized (lock) {
      rateLimitNext = n;
    }
  }

  /** The next {@code n} POST /posts answer 400 with that AppError id and message. */
  public void refuseNextPosts(int n, String id, String message) {
    synchronized (lock) {
      refusePosts = n;
      refusalId = id;
      refusalMessage = message;
    }
  }

  /** The MaxPostSize in runes (default 16383) for POST /posts, PATCH and the client config. */
  public void maxPostSize(int runes) {
    synchronized (lock) {
      maxPostSize = runes;
    }
  }

  /** FileSettings.MaxFileSize in bytes (default 100 MiB): larger uploads answer 413. */
  public void maxFileSize(long bytes) {
    synchronized (lock) {
      maxFileSize = bytes;
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- state helpers (caller holds lock) ----

  private long now() {
    clock = Math.max(System.currentTimeMillis(), clock + 1); // distinct, increasing update_at
    return clock;
  }

  private Channel channel(String id, String type, String user) {
    return channels.computeIfAbsent(
        id,
        k -> type.equals("D")
            // DM names are the two user ids, smaller first (model.GetDMNameFromIds)
            ? new Channel(
                k,
                "D",
                BOT_ID.compareTo(user) < 0 ? BOT_ID + "__" + user : user + "__" + BOT_ID,
                "",
                "",
                now())
            : new Channel(
                k, "O", "channel-" + k.toLowerCase(Locale.ROOT), "Channel " + k, TEAM_ID, now()));
  }

  private Post newPost(Channel ch, String userId, String rootId, String text, List<String> files) {
    Post p = new Post(ch.id(), userId, rootId, text, files, now());
    posts.put(p.id, p);
    return p;
  }

  private List<Post> postsIn(String channelId) {
    return posts.values().stream().filter(p -> p.channelId.equals(channelId)).toList();
  }

  private void broadcastPosted(
      Channel ch, Post p, String username, boolean setOnline, boolean mentionsBot) {
    // MM: server/channels/app/notification.go SendNotifications; keys sorted, as Go writes maps.
    ObjectNode data = JSON.createObjectNode()
        .put("channel_display_name", ch.type().equals("D") ? "@" + username : ch.displayName())
        .put("channel_name", ch.name())
        .put("channel_type", ch.type());
    if (mentionsBot) {
      // "client expects this field to be stringified" (app/web_broadcast_hooks.go)
      data.put("mentions", "[\"" + BOT_ID + "\"]");
    }
    data.put("post", postJson(p).toString()) // a JSON string, not an object
        .put("sender_name", "@" + username)
        .put("set_online", setOnline)
        .put("team_id", ch.teamId());
    broadcast(new Event("posted", data.toString(), broadcastJson("", ch.id()), true));
  }

  private void broadcastEdited(Post p) {
    ObjectNode data = JSON.createObjectNode().put("post", postJson(p).toString());
    broadcast(new Event("post_edited", data.toString(), broadcastJson("", p.channelId), true));
  }

  private static String broadcastJson(String userId, String channelId) {
    ObjectNode b = JSON.createObjectNode().putNull("omit_users");
    return b.put("user_id", userId)
        .put("channel_id", channelId)
        .put("team_id", "")
        .put("connection_id", "")
        .put("omit_connection_id", "")
        .toString();
  }

  /** To every connection: written if its socket is open, else queued (the hub's send queue). */
  private void broadcast(Event e) {
    for (Conn c : new ArrayList<>(conns.values())) {
      if (c.socket != null) {
        write(c, e);
      } else if (c.queue.size() < SEND_QUEUE_SIZE) {
        c.queue.add(e);
      } else {
        conns.remove(c.id); // a full send queue drops the connection (web_hub.go)
      }
    }
  }

  private void write(Conn c, Event e) {
    Socket s = c.socket;
    if (s == null) {
      return;
    }
    long seq = c.seq++;
    String frame = e.frame(seq);
    c.dead.addLast(new Written(seq, frame));
    if (c.dead.size() > DEAD_QUEUE_SIZE) {
      c.dead.removeFirst();
    }
    s.send(frame);
  }

  private static Event hello(String connectionId) {
    ObjectNode data = JSON.createObjectNode()
        .put("connection_id", connectionId)
        .put("server_version", VERSION_ID);
    return new Event("hello", data.toString(), broadcastJson(BOT_ID, ""), false);
  }

  /** api4/websocket.go connectWebSocket + PopulateWebConnConfig + web_conn.go writePump. */
  private void attach(Socket s) {
    opened++;
    for (Conn c : new ArrayList<>(conns.values())) { // a new upgrade replaces the old socket
      Socket old = c.socket;
      if (old != null) {
        detach(c);
        old.disconnect();
      }
    }
    Conn c = s.connectionId.isEmpty() ? null : conns.get(s.connectionId);
    if (c == null || c.forgotten) {
      if (!s.connectionId.isEmpty() && !isValidId(s.connectionId)) {
        s.disconnect(); // "invalid connection id" ⇒ ws.Close()
        return;
      }
      c = new Conn();
      conns.put(c.id, c);
      c.socket = s;
      write(c, hello(c.id));
      return;
    }
    long n = sequence(s.sequence);
    if (n < 0) {
      s.disconnect(); // connection_id without a (valid) sequence_number ⇒ ws.Close()
      return;
    }
    c.socket = s;
    c.seq = n; // the client's number becomes the counter, even 0
    if (n != 0) { // sequence_number=0 skips every check: no replay, no hello
      boolean found = false;
      for (Written w : new ArrayList<>(c.dead)) {
        found |= w.seq() == n;
        if (found) {
          s.send(w.frame());
          c.seq++;
        }
      }
      if (!found && !c.dead.isEmpty() && c.dead.getLast().seq() != n - 1) { // hasMsgLoss
        conns.remove(c.id);
        c.id = newId();
        conns.put(c.id, c);
        c.dead.clear();
        c.seq = 0;
        write(c, hello(c.id));
      } else {
        resumes++;
      }
    } else {
      resumes++;
    }
    while (!c.queue.isEmpty()) { // the send queue follows, even after a new hello
      write(c, c.queue.poll());
    }
  }

  private static long sequence(@Nullable String value) {
    try {
      return value == null ? -1 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void detach(Socket s) {
    for (Conn c : new ArrayList<>(conns.values())) {
      if (c.socket == s) {
        detach(c);
      }
    }
  }

  private void detach(Conn c) {
    c.socket = null;
    if (c.forgotten) {
      conns.remove(c.id);
    }
  }

  /** A client request frame: MM: server/channels/app/platform/websocket_router.go. */
  private void request(Socket s, String text) {
    JsonNode rq;
    try {
      rq = JSON.readTree(text);
    } catch (RuntimeException e) {
      detach(s); // readPump: a frame that does not decode ends the connection
      s.disconnect();
      return;
    }
    long seq = rq.path("seq").asLong(0);
    String action = rq.path("action").asString("");
    if (action.isEmpty()) {
      s.send(fail(seq, "api.web_socket_router.no_action.app_error", "No websocket action.", 400));
    } else if (seq <= 0) {
      s.send(fail(
          seq,
          "api.web_socket_router.bad_seq.app_error",
          "Invalid sequence for WebSocket message.",
          400));
    } else if (action.equals("authentication_challenge")) {
      return; // already authenticated by the header: ignored, with no seq_reply
    } else if (action.equals("user_typing")) {
      if (!isValidId(rq.path("data").path("channel_id").asString(""))) {
        s.send(fail(
            seq,
            "api.websocket_handler.invalid_param.app_error",
            "Invalid channel_id parameter.",
            400));
      } else {
        typing++;
        s.send("{\"status\":\"OK\",\"seq_reply\":" + seq + "}\n");
      }
    } else if (action.equals("ping")) { // wsapi/system.go; data keys sorted
      s.send("{\"status\":\"OK\",\"seq_reply\":" + seq + ",\"data\":{\"node_id\":\"\","
          + "\"server_time\":" + System.currentTimeMillis() + ",\"text\":\"pong\",\"version\":\""
          + VERSION + "\"}}\n");
    } else {
      s.send(fail(
          seq, "api.web_socket_router.bad_action.app_error", "Unknown WebSocket action.", 500));
    }
  }

  private static String fail(long seq, String id, String message, int status) {
    ObjectNode o = JSON.createObjectNode().put("status", "FAIL");
    if (seq != 0) {
      o.put("seq_reply", seq); // omitempty
    }
    o.putObject("error") // returnWebSocketError wipes detailed_error
        .put("id", id)
        .put("message", message)
        .put("detailed_error", "")
        .put("status_code", status);
    return o + "\n";
  }

  private boolean authorized(@Nullable String auth) {
    if (tokenRefused || auth == null) {
      return false;
    }
    // app/authentication.go ParseAuthTokenFromRequest: "BEARER " or "TOKEN ", any case
    String upper = auth.toUpperCase(Locale.ROOT);
    String given = upper.startsWith("BEARER ")
        ? auth.substring(7)
        : upper.startsWith("TOKEN ") ? auth.substring(6) : "";
    return given.equals(token);
  }

  static boolean isValidId(String id) { // model.IsValidId
    return id.length() == 26 && id.chars().allMatch(Character::isLetterOrDigit);
  }

  // ---- JSON shapes ----

  private ObjectNode postJson(Post p) { // model.Post, field order as Go writes it
    String thread = p.rootId.isEmpty() ? p.id : p.rootId;
    long replies = posts.values().stream().filter(q -> q.rootId.equals(thread)).count();
    ObjectNode o = JSON.createObjectNode()
        .put("id", p.id)
        .put("create_at", p.createAt)
        .put("update_at", p.updateAt)
        .put("edit_at", p.editAt)
        .put("delete_at", 0)
        .put("is_pinned", false)
        .put("user_id", p.userId)
        .put("channel_id", p.channelId)
        .put("root_id", p.rootId)
        .put("original_id", "")
        .put("message", p.message)
        .put("type", p.type);
    o.set("props", p.props.deepCopy());
    o.put("hashtags", "");
    ArrayNode ids = o.putArray("file_ids");
    p.fileIds.forEach(ids::add);
    o.put("pending_post_id", p.pendingPostId)
        .put("remote_id", "")
        .put("reply_count", replies)
        .put("last_reply_at", 0)
        .putNull("participants");
    ObjectNode metadata = o.putObject("metadata");
    if (!p.fileIds.isEmpty()) {
      ArrayNode infos = metadata.putArray("files");
      p.fileIds.stream()
          .map(files::get)
          .filter(f -> f != null)
          .forEach(f -> infos.add(fileJson(f)));
    }
    return o;
  }

  private static ObjectNode fileJson(StoredFile f) { // model.FileInfo
    ObjectNode o = JSON.createObjectNode().put("id", f.id).put("user_id", f.userId);
    if (!f.postId.isEmpty()) {
      o.put("post_id", f.postId);
    }
    return o.put("channel_id", f.channelId)
        .put("create_at", f.createAt)
        .put("update_at", f.createAt)
        .put("delete_at", 0)
        .put("name", f.name)
        .put("extension", extension(f.name))
        .put("size", f.bytes.length)
        .put("mime_type", f.mimeType)
        .putNull("mini_preview")
        .put("remote_id", "")
        .put("archived", false);
  }

  private ObjectNode channelJson(Channel ch) { // model.Channel
    List<Post> in = postsIn(ch.id());
    List<Post> roots = in.stream().filter(p -> p.rootId.isEmpty()).toList();
    return JSON.createObjectNode()
        .put("id", ch.id())
        .put("create_at", ch.createAt())
        .put("update_at", ch.createAt())
        .put("delete_at", 0)
        .put("team_id", ch.teamId())
        .put("type", ch.type())
        .put("display_name", ch.displayName())
        .put("name", ch.name())
        .put("header", "")
        .put("purpose", "")
        .put("last_post_at", in.stream().mapToLong(p -> p.createAt).max().orElse(ch.createAt()))
        .put("total_msg_count", in.size())
        .put("extra_update_at", 0)
        .put("creator_id", "")
        .put("total_msg_count_root", roots.size())
        .put(
            "last_root_post_at",
            roots.stream().mapToLong(p -> p.createAt).max().orElse(ch.createAt()));
  }

  private static String extension(String name) { // filepath.Ext, lower case, no dot
    int dot = name.lastIndexOf('.');
    return dot > name.lastIndexOf('/') ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  /** Go's mime.TypeByExtension (its own table, then Debian's mime.types); "" when unknown. */
  private static String mimeFor(String name) {
    String ext = extension(name);
    for (String entry : ("avif image/avif,css text/css,gif image/gif,htm text/html,html text/html,"
            + "jpeg image/jpeg,jpg image/jpeg,js text/javascript,mjs text/javascript,"
            + "json application/json,pdf application/pdf,png image/png,svg image/svg+xml,"
            + "wasm application/wasm,webp image/webp,xml text/xml,txt text/plain,md text/markdown,"
            + "csv text/csv,mp3 audio/mpeg,ogg audio/ogg,oga audio/ogg,opus audio/ogg,"
            + "m4a audio/mp4,wav audio/x-wav,mp4 video/mp4,webm video/webm,zip application/zip")
        .split(",")) {
      String[] kv = entry.split(" ");
      if (kv[0].equals(ext)) { // mime.setExtensionType gives text/* a charset
        return kv[1].startsWith("text/") ? kv[1] + "; charset=utf-8" : kv[1];
      }
    }
    return "";
  }

  // ---- REST ----

  /** A REST answer, written by {@link Rest#handle}. */
  private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Answer json(int status, JsonNode body) {
      return new Answer(
          status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  /** A request, its body read before the lock is taken. */
  private record Call(
      String method,
      String path,
      String[] seg,
      Fields query,
      String requestId,
      @Nullable String auth,
      long length,
      byte[] body,
      @Nullable List<Part> parts) {
    String param(String name) {
      String v = query.getValue(name);
      return v == null ? "" : v;
    }
  }

  private record Part(String name, @Nullable String filename, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static Answer error(Call c, int status, String id, String message) { // model.AppError
    return Answer.json(
        status,
        JSON.createObjectNode()
            .put("id", id)
            .put("message", message)
            .put("detailed_error", "") // wiped unless EnableDeveloper
            .put("request_id", c.requestId())
            .put("status_code", status));
  }

  private static Answer forbidden(Call c) { // App.MakePermissionError, detail wiped
    return error(c, 403, "api.context.permissions.app_error", PERMISSIONS);
  }

  private static Answer urlParam(Call c, String name) {
    return error(
        c,
        400,
        "api.context.invalid_url_param.app_error",
        "Invalid or missing " + name + " parameter in request URL.");
  }

  private static Answer bodyParam(Call c, String name) {
    return error(
        c,
        400,
        "api.context.invalid_body_param.app_error",
        "Invalid or missing " + name + " in request body.");
  }

  private static @Nullable JsonNode jsonBody(Call c) {
    try {
      JsonNode n = JSON.readTree(new String(c.body(), StandardCharsets.UTF_8));
      return n.isObject() ? n : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isString() ? v.asString() : "";
  }

  private static int runes(String s) {
    return s.codePointCount(0, s.length()); // utf8.RuneCountInString
  }

  private final class Rest extends Handler.Abstract {
    @Override
    public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
      String path = Request.getPathInContext(rq);
      String method = rq.getMethod();
      boolean limited;
      synchronized (lock) {
        calls.add(method + " " + path);
        limited = rateLimitNext > 0;
        if (limited) {
          rateLimitNext--;
          rateLimited++;
        }
      }
      Answer a;
      if (limited) {
        // app/ratelimit.go wraps every route: headers, then http.Error(w, "limit exceeded", 429)
        a = new Answer(
            429,
            "text/plain; charset=utf-8",
            "limit exceeded\n".getBytes(StandardCharsets.UTF_8),
            Map.of(
                "X-RateLimit-Limit",
                "10",
                "X-RateLimit-Remaining",
                "0",
                "X-RateLimit-Reset",
                "1",
                "Retry-After",
                "1",
                "X-Content-Type-Options",
                "nosniff"));
      } else {
        String contentType = rq.getHeaders().get(HttpHeader.CONTENT_TYPE);
        boolean multipart = contentType != null
            && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        List<Part> parts = null;
        byte[] body = new byte[0];
        if (multipart) {
          parts = readForm(rq, contentType);
        } else if (!method.equals("GET")) {
          body = Content.Source.asInputStream(rq).readAllBytes();
        }
        String rest = path.startsWith("/api/v4/") ? path.substring("/api/v4/".length()) : "";
        Call c = new Call(
            method,
            path,
            rest.split("/", -1),
            Request.extractQueryParameters(rq),
            newId(),
            rq.getHeaders().get(HttpHeader.AUTHORIZATION),
            rq.getLength(),
            body,
            parts);
        rs.getHeaders().put("X-Request-Id", c.requestId());
        rs.getHeaders().put("X-Version-Id", VERSION_ID);
        a = route(c, multipart);
      }
      rs.setStatus(a.status());
      a.headers().forEach(rs.getHeaders()::put);
      rs.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
      rs.write(true, ByteBuffer.wrap(a.body()), cb);
      return true;
    }

    /** Every part in order, or null when the body is not a multipart form. */
    private @Nullable List<Part> readForm(Request rq, String contentType) {
      MultiPartConfig config = new MultiPartConfig.Builder()
          .maxMemoryPartSize(256L << 20)
          .maxPartSize(256L << 20)
          .maxSize(256L << 20)
          .build();
      List<Part> parts = new ArrayList<>();
      try (MultiPartFormData.Parts form = MultiPartFormData.getParts(rq, rq, contentType, config)) {
        for (MultiPart.Part part : form) {
          String filename = part.getFileName(); // "" is a form value, as in Go
          parts.add(new Part(
              part.getName() == null ? "" : part.getName(),
              filename == null || filename.isEmpty() ? null : filename,
              BufferUtil.toArray(Content.Source.asByteBuffer(part.getContentSource()))));
        }
        return parts;
      } catch (Exception e) {
        return null;
      }
    }

    private Answer route(Call c, boolean multipart) {
      String[] s = c.seg();
      int n = s.length;
      String m = c.method();
      if (!c.path().startsWith("/api/v4/")) {
        return notFound(c);
      }
      if (s[0].equals("websocket") && (n == 1 || (n == 2 && s[1].isEmpty())) && m.equals("GET")) {
        return error(
            c,
            400,
            "api.web_socket.connect.upgrade.app_error",
            "Failed to upgrade websocket connection.");
      }
      if (n == 2 && s[0].equals("config") && s[1].equals("client") && m.equals("GET")) {
        return clientConfig(c); // APIHandler: no session needed
      }
      if (!authorized(c.auth())) {
        return error(
            c,
            401,
            "api.context.session_expired.app_error",
            "Invalid or expired session, please login again.");
      }
      synchronized (lock) {
        if (s[0].equals("users") && n >= 2) {
          String user = s[1].equals("me") ? BOT_ID : s[1];
          if (!isValidId(user)) {
            return urlParam(c, "user_id");
          }
          if (n == 2 && m.equals("GET")) {
            return user.equals(BOT_ID)
                ? Answer.json(200, userJson())
                : error(c, 404, "app.user.missing_account.const", "Unable to find the user.");
          }
          if (n == 3 && s[2].equals("channels") && m.equals("GET")) {
            if (!user.equals(BOT_ID)) {
              return forbidden(c);
            }
            if (failChannelList) {
              return error(
                  c, 500, "app.channel.get_channels.get.app_error", "Unable to get the channels.");
            }
            ArrayNode list = JSON.createArrayNode();
            channels.values().forEach(ch -> list.add(channelJson(ch)));
            return Answer.json(200, list);
          }
          if (n == 3 && s[2].equals("typing") && m.equals("POST")) {
            return typing(c, user);
          }
        }
        if (s[0].equals("posts")) {
          if (n == 1 && m.equals("POST")) {
            return createPost(c);
          }
          if (n == 2 && m.equals("GET")) {
            if (!isValidId(s[1])) {
              return urlParam(c, "post_id");
            }
            Post p = posts.get(s[1]);
            return p == null
                ? error(c, 404, "app.post.get.app_error", "Unable to get the post.")
                : Answer.json(200, postJson(p));
          }
          if (n == 3 && s[2].equals("patch") && m.equals("PUT")) {
            return patch(c, s[1]);
          }
        }
        if (s[0].equals("channels") && n >= 2 && m.equals("GET")) {
          if (!isValidId(s[1])) {
            return urlParam(c, "channel_id");
          }
          Channel ch = channels.get(s[1]);
          if ((n == 2 || (n == 3 && s[2].equals("posts"))) && ch == null) {
            return error(
                c,
                404,
                "app.channel.get.existing.app_error",
                "Unable to find the existing channel.");
          }
          if (n == 2) {
            return Answer.json(200, channelJson(ch));
          }
          if (n == 3 && s[2].equals("posts")) {
            return channelPosts(c, ch);
          }
        }
        if (s[0].equals("files")) {
          if (n == 1 && m.equals("POST")) {
            return upload(c, multipart);
          }
          if ((n == 2 || (n == 3 && s[2].equals("info"))) && m.equals("GET")) {
            return file(c, s[1], n == 3);
          }
        }
      }
      return notFound(c);
    }

    private Answer notFound(Call c) { // web/handlers.go Handle404: no request_id
      return Answer.json(
          404,
          JSON.createObjectNode()
              .put("id", "api.context.404.app_error")
              .put("message", "Sorry, we could not find the page.")
              .put(
                  "detailed_error",
                  "There doesn't appear to be an api call for the url='" + c.path()
                      + "'.  Typo? are you missing a team_id or user_id as part of the url?")
              .put("status_code", 404));
    }

    private Answer clientConfig(Call c) { // api4/config.go getClientConfig
      String format = c.param("format");
      if (format.isEmpty()) {
        return error(
            c,
            501,
            "api.config.client.missing_format.app_error",
            "Client config format is required.");
      }
      if (!format.equals("old")) {
        return bodyParam(c, "format");
      }
      Map<String, String> config = new TreeMap<>(); // Go writes map keys sorted
      config.put("BuildNumber", "0");
      config.put("DiagnosticId", "");
      config.put("NoAccounts", "false");
      config.put("SiteName", "Mattermost");
      config.put("SiteURL", url());
      config.put("Version", VERSION);
      if (authorized(c.auth())) { // without a session: the limited config, no limits in it
        synchronized (lock) {
          config.put("EnableFileAttachments", "true");
          config.put("MaxFileSize", Long.toString(maxFileSize));
          config.put("MaxPostSize", Integer.toString(maxPostSize));
        }
      }
      ObjectNode o = JSON.createObjectNode();
      config.forEach(o::put);
      return Answer.json(200, o);
    }

    private ObjectNode userJson() { // model.User, as a bot account has it
      return JSON.createObjectNode()
          .put("id", BOT_ID)
          .put("create_at", 1_700_000_000_000L)
          .put("update_at", 1_700_000_000_000L)
          .put("delete_at", 0)
          .put("username", BOT_NAME)
          .put("email", BOT_NAME + "@localhost")
          .put("nickname", "")
          .put("first_name", "Switchboard")
          .put("last_name", "")
          .put("roles", "system_user")
          .put("locale", "en")
          .put("is_bot", true)
          .put("bot_description", "");
    }

    private Answer typing(Call c, String user) { // api4/user.go publishUserTyping
      JsonNode b = jsonBody(c);
      if (b == null) {
        return bodyParam(c, "typing_request");
      }
      if (!user.equals(BOT_ID) || !isValidId(text(b, "channel_id"))) {
        return forbidden(c);
      }
      typing++;
      return Answer.json(200, JSON.createObjectNode().put("status", "OK"));
    }

    private Answer createPost(Call c) { // api4/post.go createPost, app/post.go CreatePost
      JsonNode b = jsonBody(c);
      if (b == null) {
        return bodyParam(c, "post");
      }
      String channelId = text(b, "channel_id");
      if (!isValidId(channelId)) { // no channel: no create_post permission, hence 403
        return forbidden(c);
      }
      if (refusePosts > 0) {
        refusePosts--;
        return error(c, 400, refusalId, refusalMessage);
      }
      String message = text(b, "message");
      if (runes(message) > maxPostSize) {
        return tooLong(c, message);
      }
      String rootId = text(b, "root_id");
      Post root = posts.get(rootId);
      // app/post.go CreatePost: the root must exist, be a root, and be in the channel (both
      // errors become 400 in CreatePostAsUser)
      if (!rootId.isEmpty() && (root == null || !root.rootId.isEmpty())) {
        return error(c, 400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.");
      }
      if (root != null && !root.channelId.equals(channelId)) {
        return error(
            c,
            400,
            "api.post.create_post.channel_root_id.app_error",
            "Invalid ChannelId for RootId parameter.");
      }
      ObjectNode props = b.path("props").isObject()
          ? (ObjectNode) b.path("props").deepCopy()
          : JSON.createObjectNode();
      props.put("from_bot", "true"); // CreatePost marks a bot's posts
      List<String> fileIds = new ArrayList<>();
      for (JsonNode id : b.path("file_ids")) { // attachFilesToPost drops what it cannot attach
        StoredFile f = files.get(id.asString(""));
        if (f != null && f.byBot && f.postId.isEmpty() && !fileIds.contains(f.id)) {
          fileIds.add(f.id);
        }
      }
      String pending = text(b, "pending_post_id");
      if (!pending.isEmpty()) {
        // deduplicateCreatePost (app/post.go): a create repeated with the same pending_post_id
        // within 30 s gets the post the first one made.
        for (Post earlier : posts.values()) {
          if (pending.equals(earlier.pendingPostId)) {
            return Answer.json(201, postJson(earlier));
          }
        }
      }
      Channel ch = channel(channelId, "O", "");
      Post p = newPost(ch, BOT_ID, rootId, message, fileIds);
      p.type = text(b, "type");
      p.pendingPostId = text(b, "pending_post_id");
      p.props = props;
      fileIds.forEach(id -> files.get(id).postId = p.id);
      postBodies.add(b);
      boolean setOnline = !List.of("0", "f", "F", "false", "FALSE", "False")
          .contains(c.param("set_online")); // strconv.ParseBool
      broadcastPosted(ch, p, BOT_NAME, setOnline, false); // to the author too
      return Answer.json(201, postJson(p));
    }

    private Answer tooLong(Call c, String message) { // model.Post.IsValid
      return error(
          c,
          400,
          "model.post.is_valid.message_length.app_error",
          "Message length " + runes(message) + " exceeds the maximum of " + maxPostSize + ".");
    }

    private Answer patch(Call c, String id) { // api4/post.go patchPost
      if (!isValidId(id)) {
        return urlParam(c, "post_id");
      }
      JsonNode b = jsonBody(c);
      if (b == null) {
        return bodyParam(c, "post");
      }
      JsonNode message = b.path("message");
      if (message.isString() && runes(message.asString()) > maxPostSize) {
        return tooLong(c, message.asString()); // checked before the post is even looked up
      }
      Post p = posts.get(id);
      if (p == null || !p.userId.equals(BOT_ID)) { // an unknown post is a permission error too
        return forbidden(c);
      }
      p.updateAt = now();
      if (message.isString() && !message.asString().equals(p.message)) {
        p.message = message.asString();
        p.editAt = p.updateAt; // app/post.go UpdatePost sets EditAt only when the text changes
      }
      if (b.path("props").isObject()) {
        p.props = (ObjectNode) b.path("props").deepCopy();
      }
      p.edits++;
      broadcastEdited(p);
      return Answer.json(200, postJson(p));
    }

    private Answer channelPosts(Call c, Channel ch) { // api4/post.go getPostsForChannel
      long since;
      int page;
      int perPage;
      try {
        since = c.param("since").isEmpty() ? 0 : Long.parseLong(c.param("since"));
        page = c.param("page").isEmpty() ? 0 : Integer.parseInt(c.param("page"));
        perPage = c.param("per_page").isEmpty() ? 60 : Integer.parseInt(c.param("per_page"));
      } catch (NumberFormatException e) {
        return bodyParam(c, "since");
      }
      Comparator<Post> newestFirst = Comparator.comparingLong((Post p) -> -p.createAt);
      List<Post> order = since > 0 // post_store.go GetPostsSince: update_at > since, 1000 at most
          ? postsIn(ch.id()).stream()
              .filter(p -> p.updateAt > since)
              .sorted(newestFirst)
              .limit(1000)
              .toList()
          : postsIn(ch.id()).stream()
              .sorted(newestFirst)
              .skip((long) page * perPage)
              .limit(Math.min(Math.max(perPage, 1), 200))
              .toList();
      ObjectNode list = JSON.createObjectNode();
      ArrayNode ids = list.putArray("order");
      ObjectNode map = list.putObject("posts");
      for (Post p : order) {
        ids.add(p.id);
        map.set(p.id, postJson(p));
        Post root = posts.get(p.rootId); // thread roots come along, in posts but not in order
        if (root != null && !map.has(root.id)) {
          map.set(root.id, postJson(root));
        }
      }
      return Answer.json(
          200,
          list.put("next_post_id", "")
              .put("prev_post_id", "")
              .put("first_inaccessible_post_time", 0));
    }

    /** api4/file.go uploadFileStream: multipart, channel_id first (else legacy), or raw bytes. */
    private Answer upload(Call c, boolean multipart) {
      String channelId = c.param("channel_id");
      List<Part> parts = c.parts();
      if (c.length() == 0 || (multipart && parts == null)) {
        return error(
            c,
            400,
            "api.file.upload_file.read_request.app_error",
            "Unable to upload file(s). Error reading or parsing request data.");
      }
      if (!multipart || parts == null) { // uploadFileSimple: ?channel_id=&filename=, raw body
        if (!isValidId(channelId) || c.param("filename").isEmpty()) {
          return urlParam(c, isValidId(channelId) ? "filename" : "channel_id");
        }
        List<ObjectNode> infos = new ArrayList<>();
        Answer tooBig = store(c, channelId, c.param("filename"), c.body(), infos);
        String clientId = c.param("client_id");
        return tooBig != null
            ? tooBig
            : uploaded(infos, clientId.isEmpty() ? null : List.of(clientId));
      }
      boolean fileFirst = parts.stream()
          .filter(p -> p.filename() != null || p.name().equals("channel_id"))
          .findFirst()
          .map(p -> p.filename() != null)
          .orElse(false);
      if (channelId.isEmpty() && fileFirst) {
        // uploadFileMultipartLegacy: channel_id from anywhere, only file parts named "files"
        channelId = parts.stream()
            .filter(p -> p.filename() == null && p.name().equals("channel_id"))
            .map(Part::text)
            .findFirst()
            .orElse("");
        if (channelId.isEmpty()) {
          return bodyParam(c, "channel_id");
        }
        List<Part> legacy = new ArrayList<>();
        parts.stream()
            .filter(p -> p.filename() == null && p.name().equals("client_ids"))
            .forEach(legacy::add);
        parts.stream()
            .filter(p -> p.filename() != null && p.name().equals("files"))
            .forEach(legacy::add);
        parts = legacy;
      }
      List<ObjectNode> infos = new ArrayList<>();
      List<String> clientIds = new ArrayList<>();
      boolean expectClientIds = true;
      int nFiles = 0;
      for (Part part : parts) {
        if (part.name().isEmpty()) {
          continue;
        }
        if (part.filename() == null) {
          if (part.name().equals("channel_id")) {
            if (!channelId.isEmpty() && !channelId.equals(part.text())) {
              return error(
                  c,
                  400,
                  "api.file.upload_file.multiple_channel_ids.app_error",
                  "Unable to upload file(s). Multiple conflicting channel_ids.");
            }
            channelId = part.text().isEmpty() ? channelId : part.text();
          } else if (part.name().equals("client_ids") && expectClientIds) {
            clientIds.add(part.text());
          } else {
            return bodyParam(c, part.name());
          }
          continue;
        }
        if (!isValidId(channelId)) {
          return urlParam(c, "channel_id");
        }
        expectClientIds &= nFiles > 0 || !clientIds.isEmpty(); // none before the 1st file: none
        if (expectClientIds && nFiles >= clientIds.size()) {
          return bodyParam(c, "client_ids");
        }
        Answer tooBig = store(c, channelId, part.filename(), part.bytes(), infos);
        if (tooBig != null) {
          return tooBig;
        }
        nFiles++;
      }
      if (expectClientIds && clientIds.size() != nFiles) {
        return error(
            c,
            400,
            "api.file.upload_file.incorrect_number_of_client_ids.app_error",
            "Unable to upload file(s). Have " + clientIds.size() + " client_ids for " + nFiles
                + " files.");
      }
      return uploaded(infos, expectClientIds ? clientIds : List.of()); // no files: 201, empty
    }

    private @Nullable Answer store(
        Call c, String channelId, String filename, byte[] bytes, List<ObjectNode> infos) {
      if (bytes.length > maxFileSize) { // app/file.go UploadFileX
        return error(
            c,
            413,
            "api.file.upload_file.too_large_detailed.app_error",
            "Unable to upload file " + filename + ". " + bytes.length + " bytes exceeds the maximum"
                + " allowed file size of " + maxFileSize + " bytes.");
      }
      channel(channelId, "O", "");
      // model.GetInfoForBytes: the type comes from the extension, not the part's Content-Type
      StoredFile f = new StoredFile(filename, mimeFor(filename), bytes, true, now());
      f.userId = BOT_ID;
      f.channelId = channelId;
      files.put(f.id, f);
      infos.add(fileJson(f));
      return null;
    }

    private Answer uploaded(List<ObjectNode> infos, @Nullable List<String> clientIds) {
      ObjectNode o = JSON.createObjectNode();
      o.putArray("file_infos").addAll(infos);
      if (clientIds == null) {
        o.putNull("client_ids"); // uploadFileSimple leaves the slice nil
      } else {
        ArrayNode ids = o.putArray("client_ids");
        clientIds.forEach(ids::add);
      }
      return Answer.json(201, o);
    }

    private Answer file(Call c, String id, boolean info) { // api4/file.go getFile, getFileInfo
      if (!isValidId(id)) {
        return urlParam(c, "file_id");
      }
      StoredFile f = files.get(id);
      if (f == null) {
        return error(c, 404, "app.file_info.get.app_error", "Unable to get the file info.");
      }
      if (!f.byBot && f.postId.isEmpty()) { // neither the creator nor a reader of its post
        return forbidden(c);
      }
      if (info) {
        return Answer.json(200, fileJson(f));
      }
      // platform/shared/web WriteFileResponse: script/html served as text/plain; media inline
      String type = f.mimeType.isEmpty() ? "application/octet-stream" : f.mimeType;
      type = type.matches("text/html.*|.*(java|ecma)script.*") ? "text/plain" : type;
      boolean inline =
          type.matches("image/(jpeg|png|bmp|gif|tiff)|video/(avi|mpeg|mp4)|audio/(mpeg|wav)");
      String name = URLEncoder.encode(f.name, StandardCharsets.UTF_8).replace("+", "%20");
      return new Answer(
          200,
          type,
          f.bytes.clone(),
          Map.of(
              "Content-Disposition",
              (inline ? "inline" : "attachment") + ";filename=\"" + name + "\"; filename*=UTF-8''"
                  + name,
              "X-Content-Type-Options",
              "nosniff"));
    }
  }

  /** One WebSocket (public: Jetty invokes its methods through method handles). */
  public final class Socket implements Session.Listener.AutoDemanding {
    final String connectionId;
    final @Nullable String sequence;
    private volatile @Nullable Session session;

    Socket(String connectionId, @Nullable String sequence) {
      this.connectionId = connectionId;
      this.sequence = sequence;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      synchronized (lock) {
        attach(this);
      }
    }

    @Override
    public void onWebSocketText(String text) {
      synchronized (lock) {
        request(this, text);
      }
    }

    @Override
    public void onWebSocketClose(
        int code, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
      synchronized (lock) {
        detach(this);
      }
      callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      synchronized (lock) {
        detach(this);
      }
    }

    boolean isOpen() {
      Session s = session;
      return s != null && s.isOpen();
    }

    void send(String text) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    void disconnect() {
      Session s = session;
      if (s != null) {
        s.disconnect();
      }
    }
  }
}
