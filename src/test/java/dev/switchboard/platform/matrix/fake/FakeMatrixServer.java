package dev.switchboard.platform.matrix.fake;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Matrix homeserver on loopback: the part of the Client-Server API (v3) a bot uses, with the
 * wire format of the spec as /work/matrix-wire.md reads it ("SPEC" = matrix-org/matrix-spec,
 * "SYN" = element-hq/synapse, whose answers it copies where the spec leaves them open).
 *
 * <p>Faithful: Bearer-only auth (401 M_MISSING_TOKEN, or M_UNKNOWN_TOKEN with soft_logout
 * false); /login m.login.password, where a device_id given again ends that device's other
 * tokens; /sync on one global stream position ("s42"; a token it never issued is 400),
 * long-polling until there is something for the bot (a client that hangs up is noticed), the
 * first sync (no since) with each joined room's state and last events (limited, prev_batch) and
 * the pending invites, later ones with deltas (a gap's state changes under state, a room joined
 * since then in full), invites as stripped invite_state, left and declined rooms under leave,
 * empty sections left out as Synapse does; the bot's events echoed with unsigned.transaction_id
 * to the device that sent them; join and leave; send, idempotent per device, path and txnId,
 * with the 65536-byte PDU limit; typing, receipts, joined_rooms, joined_members, state, profile,
 * filters; media upload (413 over the limit), authenticated download (v1.11) with
 * Content-Disposition, the frozen old download; Synapse's errcodes and messages, 404 and 405
 * M_UNRECOGNIZED, 429 with Retry-After.
 *
 * <p>Simplified: one server, no federation; rooms hold only create, join_rules, member and
 * encryption state, and membership is the only auth rule; every valid token acts as the bot; a
 * filter counts only for room.timeline.limit (default 50; Synapse's is 10); no ephemeral events,
 * presence, account data or to-device; no /messages, though timelines carry prev_batch tokens;
 * the PDU size is the content in a typical envelope; no thumbnails.
 */
public final class FakeMatrixServer implements AutoCloseable {
  public static final String SERVER_NAME = "example.org";
  public static final String BOT = "@switchboard:example.org";

  private static final String BOT_DEVICE = "SWITCHBOARD1";
  private static final String CS = "/_matrix/client/v3";
  private static final String JSON_TYPE = "application/json";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int DEFAULT_TIMELINE_LIMIT = 50;
  private static final int MAX_PDU_SIZE = 65536; // SPEC IDX §"Size limits"; SYN api/constants.py
  // Synapse's default room_prejoin_state, and what SPEC IDX §"Stripped state" names
  private static final Set<String> PREJOIN = Set.of(("m.room.create m.room.join_rules m.room.name"
          + " m.room.canonical_alias m.room.avatar m.room.encryption m.room.topic")
      .split(" "));
  // SPEC content_repo.md §"Serving inline content": the types a server may serve inline
  private static final Set<String> INLINE = Set.of(("text/css text/plain text/csv application/json"
          + " application/ld+json image/jpeg image/gif image/png image/apng image/webp image/avif"
          + " video/mp4 video/webm video/ogg video/quicktime audio/mp4 audio/webm audio/aac"
          + " audio/mpeg audio/ogg audio/wave audio/wav audio/x-wav audio/x-pn-wav audio/flac"
          + " audio/x-flac")
      .split(" "));
  private static final Set<String> RECEIPTS = Set.of("m.read", "m.read.private", "m.fully_read");
  private static final Answer DROPPED = new Answer(0, "", new byte[0], Map.of());

  private final Server server;
  private final ServerConnector connector;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Everything below is guarded by lock.
  private final Map<String, String> tokens = new HashMap<>(); // access token -> device id
  private final Map<String, Login> passwords = new HashMap<>();
  private final Map<String, Room> rooms = new LinkedHashMap<>();
  private final Map<String, Media> media = new HashMap<>();
  private final Map<String, String> txns = new HashMap<>(); // device + path -> event id
  private final Map<String, JsonNode> filters = new HashMap<>();
  private final Set<String> issued = new HashSet<>();
  private final Set<Request> pending = new HashSet<>(); // waiting /sync requests
  private final List<String> requests = new ArrayList<>();
  private long stream;
  private long clock;
  private long maxUploadBytes = 50_000_000;
  private boolean tokenRefused;
  private boolean closed;
  private int logins;
  private int typing;
  private int syncs;
  private int rateLimitNext;
  private int rateLimited;
  private @Nullable String lastSince;

  /** An m.room.message the bot sent; an edit is one too, with replacesEventId set. */
  public record Sent(
      String eventId,
      String roomId,
      String msgtype,
      String body,
      @Nullable String threadRoot,
      @Nullable String replacesEventId,
      JsonNode content) {}

  private record Login(String password, String token) {}

  private record Media(String type, String name, byte[] bytes, String uploader) {}

  private record Ev(
      long pos,
      String roomId,
      String id,
      String type,
      String sender,
      long ts,
      ObjectNode content,
      @Nullable String stateKey,
      @Nullable String txnId,
      @Nullable String device) {}

  private static final class Room {
    final String id = "!" + random(LETTERS, 18) + ":" + SERVER_NAME;
    final List<Ev> events = new ArrayList<>();
    final Map<String, String> members = new LinkedHashMap<>(); // user -> membership
    long botPos = -1; // the bot's latest membership event
    long botJoinPos = -1;
    int receipts;

    @Nullable
    String lastReceipt;
  }

  private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {}

  private record Call(Request request, String path, List<String> args, byte[] body, String device) {
    String arg(int i) {
      return args.get(i);
    }

    @Nullable
    String param(String name) {
      Fields query = Request.extractQueryParameters(request);
      return query.getValue(name);
    }
  }

  private interface Endpoint {
    Answer answer(Call c);
  }

  private record Route(
      String method, Pattern pattern, boolean auth, boolean limited, Endpoint endpoint) {}

  /** An error answer, thrown from deep in a handler. */
  @SuppressWarnings("serial")
  private static final class Refusal extends RuntimeException {
    final Answer answer;

    Refusal(Answer answer) {
      super(null, null, false, false);
      this.answer = answer;
    }
  }

  private final List<Route> routes = List.of(
      route("GET", "/_matrix/client/versions", false, c -> json(200, versions())),
      route("GET", CS + "/login", false, c -> json(200, loginFlows())),
      route("POST", CS + "/login", false, this::login),
      route("GET", CS + "/account/whoami", true, this::whoami),
      new Route("GET", Pattern.compile(CS + "/sync"), true, false, this::sync),
      route("POST", CS + "/user/{}/filter", true, this::createFilter),
      route("POST", CS + "/rooms/{}/join", true, this::join),
      route("POST", CS + "/join/{}", true, this::join),
      route("POST", CS + "/rooms/{}/leave", true, this::leave),
      route("PUT", CS + "/rooms/{}/send/{}/{}", true, this::send),
      route("PUT", CS + "/rooms/{}/typing/{}", true, this::typing),
      route("POST", CS + "/rooms/{}/receipt/{}/{}", true, this::receipt),
      route("GET", CS + "/joined_rooms", true, this::joinedRooms),
      route("GET", CS + "/rooms/{}/joined_members", true, this::joinedMembers),
      route("GET", CS + "/rooms/{}/state/{}{?}", true, this::state),
      // profile lookups need no token unless require_auth_for_profile_requests (SYN default off)
      route("GET", CS + "/profile/{}", false, this::profile),
      route("GET", CS + "/profile/{}/displayname", false, this::profile),
      route("POST", "/_matrix/media/v3/upload", true, this::upload),
      // SPEC content_repo.md: frozen since v1.11, "MAY return 404 M_NOT_FOUND" for any media
      route("GET", "/_matrix/media/v3/download/{}/{}{?}", false, c -> notFound("Not found")),
      route("GET", "/_matrix/client/v1/media/config", true, this::mediaConfig),
      route("GET", "/_matrix/client/v1/media/download/{}/{}{?}", true, this::download));

  /** Starts on 127.0.0.1:0; {@code accessToken} is the bot's (device {@code SWITCHBOARD1}). */
  public FakeMatrixServer(String accessToken) throws Exception {
    tokens.put(accessToken, BOT_DEVICE);
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(TimeUnit.MINUTES.toMillis(10)); // longer than any long poll
    server.addConnector(connector);
    server.setHandler(new Api());
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The homeserver base URL, http://127.0.0.1:PORT. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** POST /login with m.login.password for {@code user} (localpart or MXID) issues the token. */
  public void password(String user, String password, String tokenToIssue) {
    mutate(() -> passwords.put(mxid(user), new Login(password, tokenToIssue)));
  }

  /** Successful logins. */
  public int logins() {
    return locked(() -> logins);
  }

  // ---- rooms and what users do ----

  /** A DM room {@code userId} made (is_direct) and the bot joined: 2 members. */
  public String directRoom(String userId) {
    return locked(() -> {
      Room r = newRoom(userId, "invite");
      member(r, userId, BOT, "invite", true);
      member(r, BOT, BOT, "join", false);
      return r.id;
    });
  }

  /** A public room the first member made, the others and the bot joined (at least 3). */
  public String groupRoom(String... memberIds) {
    if (memberIds.length < 2) {
      throw new IllegalArgumentException("a group room needs two members besides the bot");
    }
    return locked(() -> {
      Room r = newRoom(memberIds[0], "public");
      for (int i = 1; i < memberIds.length; i++) {
        member(r, memberIds[i], memberIds[i], "join", false);
      }
      member(r, BOT, BOT, "join", false);
      return r.id;
    });
  }

  /** A room {@code inviterId} made and invites the bot to: rooms.invite in the next /sync. */
  public String invite(String inviterId, boolean isDirect) {
    return locked(() -> {
      Room r = newRoom(inviterId, "invite");
      member(r, inviterId, BOT, "invite", isDirect);
      return r.id;
    });
  }

  /** {@code by} kicks {@code userId} (the bot too: the room moves to rooms.leave). */
  public void kick(String roomId, String userId, String by) {
    mutate(
        () -> append(room(roomId), "m.room.member", by, obj().put("membership", "leave"), userId));
  }

  /** Turns on encryption: m.room.encryption state (EVX/m.room.encryption). */
  public void encrypt(String roomId) {
    mutate(() -> {
      Room r = room(roomId);
      ObjectNode c = obj()
          .put("algorithm", "m.megolm.v1.aes-sha2")
          .put("rotation_period_ms", 604_800_000L)
          .put("rotation_period_msgs", 100);
      append(r, "m.room.encryption", someMember(r), c, "");
    });
  }

  /** An m.text message; returns its event id. */
  public String text(String roomId, String sender, String body) {
    ObjectNode c = message("m.text", body);
    c.putObject("m.mentions");
    return event(roomId, sender, "m.room.message", c);
  }

  /** An m.text message mentioning the bot, as Element sends it (pill and m.mentions). */
  public String textMentioningBot(String roomId, String sender, String body) {
    String pill = "<a href=\"https://matrix.to/#/" + BOT + "\">switchboard</a>";
    boolean named = body.contains("switchboard");
    ObjectNode c = message("m.text", named ? body : "switchboard: " + body)
        .put("format", "org.matrix.custom.html")
        .put("formatted_body", named ? html(body) : pill + ": " + html(body));
    c.putObject("m.mentions").putArray("user_ids").add(BOT);
    return event(roomId, sender, "m.room.message", c);
  }

  /** A reply in the thread of {@code rootEventId}, with the fallback (MOD/threading.md). */
  public String threadReply(String roomId, String sender, String rootEventId, String body) {
    String latest = locked(() -> room(roomId).events.stream()
        .filter(e -> rootEventId.equals(relation(e, "m.thread")))
        .reduce((a, b) -> b)
        .map(Ev::id)
        .orElse(rootEventId));
    ObjectNode c = message("m.text", body);
    ObjectNode rel = c.putObject("m.relates_to")
        .put("rel_type", "m.thread")
        .put("event_id", rootEventId)
        .put("is_falling_back", true);
    rel.putObject("m.in_reply_to").put("event_id", latest);
    c.putObject("m.mentions");
    return event(roomId, sender, "m.room.message", c);
  }

  /** A user's edit of their message (MOD/event_replacements.md). */
  public String edit(String roomId, String sender, String eventId, String body) {
    ObjectNode c = message("m.text", "* " + body);
    c.set("m.new_content", message("m.text", body));
    c.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", eventId);
    return event(roomId, sender, "m.room.message", c);
  }

  /** A megolm m.room.encrypted event (EVX/m.room.encrypted$megolm). */
  public String encrypted(String roomId, String sender) {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    ObjectNode c = obj()
        .put("algorithm", "m.megolm.v1.aes-sha2")
        .put("ciphertext", b64.encodeToString(bytes(96)))
        .put("device_id", random(LETTERS, 10).toUpperCase(Locale.ROOT))
        .put("sender_key", b64.encodeToString(bytes(32)))
        .put("session_id", b64.encodeToString(bytes(32)));
    return event(roomId, sender, "m.room.encrypted", c);
  }

  /** Uploads the bytes as {@code sender} and posts an m.image with the mxc:// URL. */
  public String image(String roomId, String sender, String fileName, String mime, byte[] bytes) {
    String id = random(LETTERS, 24);
    mutate(() -> media.put(id, new Media(mime, fileName, bytes.clone(), sender)));
    ObjectNode c = message("m.image", fileName)
        .put("filename", fileName)
        .put("url", "mxc://" + SERVER_NAME + "/" + id);
    c.putObject("info").put("mimetype", mime).put("size", bytes.length);
    c.putObject("m.mentions");
    return event(roomId, sender, "m.room.message", c);
  }

  /** Any event {@code sender} sends to the room; returns its id. */
  public String event(String roomId, String sender, String type, ObjectNode content) {
    return locked(
        () -> append(room(roomId), type, sender, content.deepCopy(), null).id());
  }

  // ---- what the bot did ----

  /** Every m.room.message the bot sent to the room, in order, edits included. */
  public List<Sent> sent(String roomId) {
    return locked(() -> room(roomId).events.stream()
        .filter(e -> e.sender().equals(BOT) && e.type().equals("m.room.message"))
        .map(e -> new Sent(
            e.id(),
            roomId,
            e.content().path("msgtype").asString(""),
            e.content().path("body").asString(""),
            relation(e, "m.thread"),
            relation(e, "m.replace"),
            e.content().deepCopy()))
        .toList());
  }

  /** The body a client shows: that of the latest valid m.replace edit's m.new_content. */
  public String shown(String roomId, String eventId) {
    return locked(() -> {
      Room r = room(roomId);
      Ev original = r.events.stream()
          .filter(e -> e.id().equals(eventId))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no event " + eventId));
      String body = original.content().path("body").asString("");
      for (Ev e : r.events) { // same sender and type, newer: MOD/event_replacements.md validity
        if (eventId.equals(relation(e, "m.replace"))
            && e.sender().equals(original.sender())
            && e.type().equals(original.type())
            && e.content().path("m.new_content").isObject()) {
          body = e.content().path("m.new_content").path("body").asString("");
        }
      }
      return body;
    });
  }

  public boolean joined(String roomId) {
    return membership(roomId).equals("join");
  }

  /** The bot left, declined the invite or was kicked. */
  public boolean left(String roomId) {
    return membership(roomId).equals("leave");
  }

  public int typingCalls() {
    return locked(() -> typing);
  }

  public int receipts(String roomId) {
    return locked(() -> rooms.containsKey(roomId) ? rooms.get(roomId).receipts : 0);
  }

  public @Nullable String lastReceipt(String roomId) {
    return locked(() -> rooms.containsKey(roomId) ? rooms.get(roomId).lastReceipt : null);
  }

  /** The bytes the bot uploaded under that mxc:// URI; null for any other. */
  public byte @Nullable [] uploaded(String mxcUri) {
    return locked(() -> {
      String prefix = "mxc://" + SERVER_NAME + "/";
      Media m = mxcUri.startsWith(prefix) ? media.get(mxcUri.substring(prefix.length())) : null;
      return m != null && m.uploader().equals(BOT) ? m.bytes().clone() : null;
    });
  }

  /** /sync requests received. */
  public int syncs() {
    return locked(() -> syncs);
  }

  /** /sync requests waiting for events now. */
  public int syncsInFlight() {
    return locked(pending::size);
  }

  /** The since of the latest /sync; null when it had none. */
  public @Nullable String lastSince() {
    return locked(() -> lastSince);
  }

  /** Requests whose "METHOD /decoded/path" (no query) starts with the prefix, any answer. */
  public int requests(String methodAndPathPrefix) {
    return locked(() ->
        (int) requests.stream().filter(r -> r.startsWith(methodAndPathPrefix)).count());
  }

  public int rateLimitedAnswers() {
    return locked(() -> rateLimited);
  }

  // ---- faults and limits ----

  /** Cuts the connection of every waiting /sync, with no answer; no event is lost. */
  public void dropSyncs() {
    mutate(() -> {
      pending.forEach(
          rq -> rq.getConnectionMetaData().getConnection().getEndPoint().close());
      pending.clear();
    });
  }

  /** While on, every authenticated call answers 401 M_UNKNOWN_TOKEN. */
  public void refuseToken(boolean on) {
    mutate(() -> tokenRefused = on);
  }

  /** The next {@code n} authenticated calls but /sync answer 429 M_LIMIT_EXCEEDED. */
  public void rateLimitNext(int n) {
    mutate(() -> rateLimitNext = n);
  }

  /** Synapse's max_upload_size (default 50 MB): larger uploads answer 413. */
  public void maxUploadBytes(long bytes) {
    mutate(() -> maxUploadBytes = bytes);
  }

  @Override
  public void close() {
    mutate(() -> closed = true); // waiting syncs answer now
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- state (caller holds lock) ----

  private <T> T locked(Supplier<T> s) {
    lock.lock();
    try {
      T t = s.get();
      changed.signalAll();
      return t;
    } finally {
      lock.unlock();
    }
  }

  private void mutate(Runnable r) {
    locked(() -> {
      r.run();
      return true;
    });
  }

  private String membership(String roomId) {
    return locked(() -> {
      Room r = rooms.get(roomId);
      return r == null ? "" : r.members.getOrDefault(BOT, "");
    });
  }

  private Room room(String id) {
    Room r = rooms.get(id);
    if (r == null) {
      throw new IllegalArgumentException("no room " + id);
    }
    return r;
  }

  private Room newRoom(String creator, String joinRule) {
    Room r = new Room();
    rooms.put(r.id, r);
    append(
        r, "m.room.create", creator, obj().put("room_version", "10").put("creator", creator), "");
    member(r, creator, creator, "join", false);
    append(r, "m.room.join_rules", creator, obj().put("join_rule", joinRule), "");
    return r;
  }

  private void member(Room r, String sender, String user, String membership, boolean direct) {
    ObjectNode c = obj().put("membership", membership).put("displayname", displayName(user));
    if (direct) {
      c.put("is_direct", true);
    }
    append(r, "m.room.member", sender, c, user);
  }

  private Ev append(Room r, String type, String sender, ObjectNode c, @Nullable String key) {
    return append(r, type, sender, c, key, null, null);
  }

  private Ev append(
      Room r,
      String type,
      String sender,
      ObjectNode content,
      @Nullable String stateKey,
      @Nullable String txnId,
      @Nullable String device) {
    clock = Math.max(System.currentTimeMillis(), clock + 1);
    String id = "$" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    Ev e = new Ev(++stream, r.id, id, type, sender, clock, content, stateKey, txnId, device);
    r.events.add(e);
    if (type.equals("m.room.member") && stateKey != null) {
      String m = content.path("membership").asString("");
      r.members.put(stateKey, m);
      if (stateKey.equals(BOT)) {
        r.botPos = e.pos();
        r.botJoinPos = m.equals("join") ? e.pos() : r.botJoinPos;
      }
    }
    return e;
  }

  private static String someMember(Room r) {
    return r.members.entrySet().stream()
        .filter(m -> !m.getKey().equals(BOT) && m.getValue().equals("join"))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(BOT);
  }

  /** The latest state event per (type, state_key) among {@code events}, in first-seen order. */
  private static List<Ev> stateOf(List<Ev> events) {
    Map<String, Ev> state = new LinkedHashMap<>();
    for (Ev e : events) {
      if (e.stateKey() != null) {
        state.put(e.type() + "\u0000" + e.stateKey(), e);
      }
    }
    return List.copyOf(state.values());
  }

  private static @Nullable String relation(Ev e, String relType) {
    JsonNode rel = e.content().path("m.relates_to");
    return rel.path("rel_type").asString("").equals(relType)
            && rel.path("event_id").isString()
        ? rel.path("event_id").asString()
        : null;
  }

  private static ObjectNode clientEvent(Ev e, String device, boolean withRoomId) {
    ObjectNode o = obj()
        .put("event_id", e.id())
        .put("type", e.type())
        .put("sender", e.sender())
        .put("origin_server_ts", e.ts());
    if (withRoomId) { // in /sync timelines the room is the map key: ClientEventWithoutRoomID
      o.put("room_id", e.roomId());
    }
    if (e.stateKey() != null) {
      o.put("state_key", e.stateKey());
    }
    o.set("content", e.content().deepCopy());
    ObjectNode unsigned =
        o.putObject("unsigned").put("age", Math.max(0, System.currentTimeMillis() - e.ts()));
    if (e.txnId() != null && device.equals(e.device())) { // only to the device that sent it
      unsigned.put("transaction_id", e.txnId());
    }
    return o;
  }

  private static ObjectNode stripped(Ev e) { // EVS/core-event-schema/stripped_state.yaml
    ObjectNode o =
        obj().put("type", e.type()).put("state_key", e.stateKey()).put("sender", e.sender());
    return o.set("content", e.content().deepCopy());
  }

  // ---- /sync (SPEC API/sync.yaml, IDX §"Syncing") ----

  private Answer sync(Call c) {
    syncs++;
    String since = c.param("since");
    lastSince = since;
    long from = -1;
    if (since != null) {
      if (!issued.contains(since)) { // SYN: StreamToken.from_string fails with a plain 400
        throw fail(400, "M_UNKNOWN", "Invalid stream token");
      }
      from = Long.parseLong(since.substring(1));
    }
    String f = c.param("filter"); // an id, or inline JSON when it starts with "{"
    JsonNode filter = f == null
        ? obj()
        : f.startsWith("{") ? parse(f.getBytes(StandardCharsets.UTF_8)) : filters.get(f);
    if (filter == null) { // SYN rest/client/sync.py
      throw f.startsWith("{")
          ? fail(400, "M_NOT_JSON", "Invalid filter JSON")
          : fail(400, "M_INVALID_PARAM", "No such filter");
    }
    int limit = Math.max(
        0, filter.path("room").path("timeline").path("limit").asInt(DEFAULT_TIMELINE_LIMIT));
    long timeout = integer(c, "timeout", 0);
    boolean full = "true".equals(c.param("full_state"));
    Request rq = c.request();
    pending.add(rq);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    try {
      while (true) {
        if (hungUp(rq)) { // dropSyncs(), or the client went away
          return DROPPED;
        }
        ObjectNode delta = syncRooms(from, full, limit, c.device());
        long left = deadline - System.nanoTime();
        // SYN: no since or full_state answers at once, whatever the timeout
        if (!delta.isEmpty() || from < 0 || full || left <= 0 || closed) {
          String next = "s" + stream;
          issued.add(next);
          ObjectNode o = obj().put("next_batch", next);
          if (!delta.isEmpty()) { // SYN leaves out empty sections
            o.set("rooms", delta);
          }
          o.putObject("device_one_time_keys_count").put("signed_curve25519", 0);
          return json(200, o);
        }
        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))); // to see hang-ups
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DROPPED;
    } finally {
      pending.remove(rq);
    }
  }

  /**
   * Whether the client hung up, as Synapse notices (Twisted's connectionLost) and Jetty does not
   * while a request is handled: a non-blocking read sees the end of the stream. A long poll's
   * client sends nothing more on the connection, so nothing is taken from it.
   */
  private static boolean hungUp(Request rq) {
    EndPoint endPoint = rq.getConnectionMetaData().getConnection().getEndPoint();
    try {
      return !endPoint.isOpen() || endPoint.fill(BufferUtil.allocate(1)) < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private ObjectNode syncRooms(long from, boolean full, int limit, String device) {
    ObjectNode out = obj(); // SYN leaves out empty sections
    ObjectNode join = out.putObject("join");
    ObjectNode invite = out.putObject("invite");
    ObjectNode leave = out.putObject("leave");
    for (Room r : rooms.values()) {
      String m = r.members.getOrDefault(BOT, "");
      boolean news = r.botPos > from;
      if (m.equals("join")) {
        ObjectNode j = joinedRoom(r, from, full || news, limit, device);
        if (j != null) {
          join.set(r.id, j);
        }
      } else if (m.equals("invite") && news) {
        ArrayNode state = invite.putObject(r.id).putObject("invite_state").putArray("events");
        Ev inv = r.events.stream().filter(e -> e.pos() == r.botPos).findFirst().orElseThrow();
        for (Ev e : stateOf(r.events)) { // prejoin state, the inviter's membership, the invite
          if (PREJOIN.contains(e.type())
              || e == inv
              || (e.type().equals("m.room.member") && inv.sender().equals(e.stateKey()))) {
            state.add(stripped(e));
          }
        }
      } else if (m.equals("leave") && news && from >= 0) { // no include_leave: not in a first sync
        List<Ev> evs = r.events.stream()
            .filter(e -> e.pos() > from && e.pos() <= r.botPos)
            .filter(e -> r.botJoinPos >= 0 || e.pos() == r.botPos) // a declined invite: the leave
            .toList();
        ObjectNode room = leave.putObject(r.id);
        room.putObject("state").putArray("events");
        timeline(room, evs, false, device);
        room.putObject("account_data").putArray("events");
      }
    }
    out.remove(out.propertyNames().stream().filter(k -> out.get(k).isEmpty()).toList());
    return out;
  }

  /** A joined room's part of the answer; null when nothing changed in it. */
  private @Nullable ObjectNode joinedRoom(
      Room r, long from, boolean whole, int limit, String device) {
    List<Ev> range = from < 0 || whole
        ? r.events
        : r.events.stream().filter(e -> e.pos() > from).toList();
    if (range.isEmpty()) {
      return null;
    }
    int start = Math.max(0, range.size() - limit);
    ObjectNode o = obj();
    // "state": the state at the start of the timeline (whole), else what changed in the gap
    ArrayNode state = o.putObject("state").putArray("events");
    stateOf(range.subList(0, start)).forEach(e -> state.add(clientEvent(e, device, false)));
    timeline(o, range.subList(start, range.size()), start > 0, device);
    o.putObject("account_data").putArray("events");
    o.putObject("ephemeral").putArray("events");
    o.putObject("unread_notifications").put("highlight_count", 0).put("notification_count", 0);
    ObjectNode summary = o.putObject("summary"); // {} unless membership changed
    if (from < 0 || whole || range.stream().anyMatch(e -> e.type().equals("m.room.member"))) {
      ArrayNode heroes = summary.putArray("m.heroes");
      r.members.entrySet().stream()
          .filter(m -> !m.getKey().equals(BOT) && !m.getValue().equals("leave"))
          .limit(5)
          .forEach(m -> heroes.add(m.getKey()));
      summary
          .put("m.joined_member_count", count(r, "join"))
          .put("m.invited_member_count", count(r, "invite"));
    }
    return o;
  }

  private void timeline(ObjectNode room, List<Ev> evs, boolean limited, String device) {
    ObjectNode t = room.putObject("timeline");
    ArrayNode events = t.putArray("events");
    evs.forEach(e -> events.add(clientEvent(e, device, false)));
    // where /messages?dir=b would go on, before this batch
    t.put("limited", limited)
        .put("prev_batch", evs.isEmpty() ? "s" + stream : "t" + (evs.get(0).pos() - 1));
  }

  private static int count(Room r, String membership) {
    return (int) r.members.values().stream().filter(membership::equals).count();
  }

  // ---- endpoints (caller holds lock) ----

  private static ObjectNode versions() {
    ObjectNode o = obj();
    o.putArray("versions").add("v1.11").add("v1.12");
    o.putObject("unstable_features");
    return o;
  }

  private static ObjectNode loginFlows() {
    ObjectNode o = obj();
    o.putArray("flows").addObject().put("type", "m.login.password");
    return o;
  }

  private Answer login(Call c) { // SPEC API/login.yaml
    ObjectNode b = body(c, false);
    if (!b.path("type").asString("").equals("m.login.password")) {
      throw fail(400, "M_UNKNOWN", "Bad login type.");
    }
    JsonNode id = b.path("identifier");
    String user = id.path("type").asString("").equals("m.id.user")
        ? id.path("user").asString("")
        : b.path("user").asString(""); // the deprecated top-level "user"
    Login l = user.isEmpty() ? null : passwords.get(mxid(user));
    if (l == null || !l.password().equals(b.path("password").asString(null))) {
      throw fail(403, "M_FORBIDDEN", "Invalid username or password");
    }
    String device = b.path("device_id").isString()
        ? b.path("device_id").asString()
        : random(LETTERS, 10).toUpperCase(Locale.ROOT);
    // IDX §"Relationship between access tokens and devices": the device's old tokens end
    tokens.values().removeIf(device::equals);
    tokens.put(l.token(), device);
    logins++;
    return json(
        200,
        obj()
            .put("user_id", mxid(user))
            .put("access_token", l.token())
            .put("device_id", device)
            .put("home_server", SERVER_NAME));
  }

  private Answer whoami(Call c) { // SPEC API/whoami.yaml
    return json(200, obj().put("user_id", BOT).put("is_guest", false).put("device_id", c.device()));
  }

  private Answer createFilter(Call c) { // SPEC API/filter.yaml
    if (!c.arg(0).equals(BOT)) {
      throw fail(403, "M_FORBIDDEN", "Can only create filters for local users");
    }
    ObjectNode b = body(c, false);
    String id = Integer.toString(filters.size() + 1);
    filters.put(id, b);
    return json(200, obj().put("filter_id", id));
  }

  private Answer join(Call c) { // SPEC API/joining.yaml; a body is required, Synapse allows none
    String id = c.arg(0);
    body(c, true);
    Room r = rooms.get(id);
    if (r == null) {
      return notFound(id.startsWith("#") ? "Room alias " + id + " not found" : "No known servers");
    }
    String m = r.members.getOrDefault(BOT, "");
    boolean open = stateOf(r.events).stream()
        .anyMatch(e -> e.type().equals("m.room.join_rules")
            && e.content().path("join_rule").asString("").equals("public"));
    if (m.equals("invite") || (open && !m.equals("join"))) {
      member(r, BOT, BOT, "join", false);
    } else if (!m.equals("join")) {
      throw fail(403, "M_FORBIDDEN", "You are not invited to this room.");
    }
    return json(200, obj().put("room_id", r.id));
  }

  private Answer leave(Call c) { // SPEC API/leaving.yaml: also declines an invite
    body(c, true);
    Room r = rooms.get(c.arg(0));
    String m = r == null ? "" : r.members.getOrDefault(BOT, "");
    if (r == null || !(m.equals("join") || m.equals("invite"))) {
      throw notInRoom(c.arg(0));
    }
    append(r, "m.room.member", BOT, obj().put("membership", "leave"), BOT);
    return json(200, obj());
  }

  private Answer send(Call c) { // SPEC API/room_send.yaml
    // IDX §"Transaction identifiers": same device, path and txnId: the same answer, no new event
    String key = c.device() + " " + c.path();
    String prior = txns.get(key);
    if (prior != null) {
      return json(200, obj().put("event_id", prior));
    }
    ObjectNode content = body(c, false);
    Room r = joinedRoom(c.arg(0));
    if (pduSize(r.id, c.arg(1), content) > MAX_PDU_SIZE) { // SYN errors.py EventSizeError
      throw fail(413, "M_TOO_LARGE", "event too large");
    }
    Ev e = append(r, c.arg(1), BOT, content, null, c.arg(2), c.device());
    txns.put(key, e.id());
    return json(200, obj().put("event_id", e.id()));
  }

  /** The event as federation would carry it (hashes, signatures, DAG links), canonical JSON. */
  private int pduSize(String roomId, String type, ObjectNode content) {
    String ref = "$" + "A".repeat(43);
    ObjectNode pdu = obj();
    pdu.putArray("auth_events").add(ref).add(ref).add(ref);
    pdu.set("content", content);
    pdu.put("depth", stream + 1)
        .put("origin", SERVER_NAME)
        .put("origin_server_ts", System.currentTimeMillis());
    pdu.putObject("hashes").put("sha256", "A".repeat(43));
    pdu.putArray("prev_events").add(ref);
    pdu.put("room_id", roomId).put("sender", BOT);
    pdu.putObject("signatures").putObject(SERVER_NAME).put("ed25519:a_AbCd", "A".repeat(86));
    pdu.put("type", type).putObject("unsigned").put("age_ts", System.currentTimeMillis());
    return JSON.writeValueAsBytes(pdu).length; // compact UTF-8: as long as canonical JSON
  }

  private Answer typing(Call c) { // SPEC API/typing.yaml
    if (!c.arg(1).equals(BOT)) {
      throw fail(403, "M_FORBIDDEN", "Cannot set another user's typing state");
    }
    ObjectNode b = body(c, false);
    joinedRoom(c.arg(0));
    if (!b.path("typing").isBoolean()) {
      throw fail(400, "M_MISSING_PARAM", "Missing params: ['typing']");
    }
    typing++;
    return json(200, obj());
  }

  private Answer receipt(Call c) { // SPEC API/receipts.yaml
    ObjectNode b = body(c, false);
    Room r = joinedRoom(c.arg(0));
    if (!RECEIPTS.contains(c.arg(1))) {
      throw fail(
          400,
          "M_INVALID_PARAM",
          "Receipt type must be 'm.read', 'm.read.private' or 'm.fully_read'");
    }
    JsonNode thread = b.path("thread_id");
    if (!thread.isMissingNode()
        && (!thread.isString() || thread.asString().isEmpty() || c.arg(1).equals("m.fully_read"))) {
      throw fail(400, "M_INVALID_PARAM", "thread_id field must be a non-empty string");
    }
    r.receipts++;
    r.lastReceipt = c.arg(2);
    return json(200, obj());
  }

  private Answer joinedRooms(Call c) {
    ObjectNode o = obj();
    ArrayNode ids = o.putArray("joined_rooms");
    rooms.values().stream()
        .filter(r -> "join".equals(r.members.get(BOT)))
        .forEach(r -> ids.add(r.id));
    return json(200, o);
  }

  private Answer joinedMembers(Call c) {
    Room r = joinedRoom(c.arg(0));
    ObjectNode o = obj();
    ObjectNode joined = o.putObject("joined");
    r.members.forEach((user, m) -> {
      if (m.equals("join")) {
        joined.putObject(user).put("display_name", displayName(user)).putNull("avatar_url");
      }
    });
    return json(200, o);
  }

  private Answer state(Call c) { // SPEC API/rooms.yaml; the state key may be "" (trailing slash)
    return stateOf(joinedRoom(c.arg(0)).events).stream()
        .filter(e -> e.type().equals(c.arg(1)) && c.arg(2).equals(e.stateKey()))
        .findFirst()
        .map(e -> json(200, e.content()))
        .orElseGet(() -> notFound("Event not found."));
  }

  private Answer profile(Call c) { // SPEC API/profile.yaml
    String user = c.arg(0);
    if (!user.startsWith("@") || !user.contains(":")) {
      throw fail(400, "M_INVALID_PARAM", "Invalid user id");
    }
    return json(200, obj().put("displayname", displayName(user)));
  }

  private Answer upload(Call c) { // SPEC API/content-repo.yaml
    if (c.body().length > maxUploadBytes) {
      String size = maxUploadBytes % 1_000_000 == 0
          ? maxUploadBytes / 1_000_000 + "mb"
          : maxUploadBytes + " bytes";
      throw fail(413, "M_TOO_LARGE", "Cannot upload files larger than " + size);
    }
    String type = c.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
    String name = c.param("filename");
    String id = random(LETTERS, 24); // media ids: [A-Za-z0-9_-]
    type = type == null ? "application/octet-stream" : type;
    media.put(id, new Media(type, name == null ? "" : name, c.body(), BOT));
    return json(200, obj().put("content_uri", "mxc://" + SERVER_NAME + "/" + id));
  }

  private Answer mediaConfig(Call c) {
    return json(200, obj().put("m.upload.size", maxUploadBytes));
  }

  private Answer download(Call c) { // SPEC API/authed-content-repo.yaml (v1.11)
    Media m = c.arg(0).equals(SERVER_NAME) ? media.get(c.arg(1)) : null;
    if (m == null) {
      return notFound("Not found");
    }
    String name = c.arg(2).isEmpty() ? m.name() : c.arg(2);
    String base = m.type().split(";")[0].trim().toLowerCase(Locale.ROOT);
    // Content-Disposition is required since v1.12: inline only for the safe types
    String disposition = INLINE.contains(base) ? "inline" : "attachment";
    if (name.matches("[ -~&&[^\"\\\\]]+")) {
      disposition += "; filename=\"" + name + "\"";
    } else if (!name.isEmpty()) { // RFC 6266
      disposition += "; filename*=utf-8''"
          + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
    return new Answer(200, m.type(), m.bytes(), Map.of("Content-Disposition", disposition));
  }

  // ---- helpers ----

  private Room joinedRoom(String id) {
    Room r = rooms.get(id);
    if (r == null || !"join".equals(r.members.get(BOT))) {
      throw notInRoom(id);
    }
    return r;
  }

  private static Refusal notInRoom(String roomId) {
    return fail(403, "M_FORBIDDEN", "User " + BOT + " not in room " + roomId);
  }

  /** The request's JSON object; SYN http/servlet.py parse_json_object_from_request. */
  private static ObjectNode body(Call c, boolean emptyOk) {
    if (c.body().length == 0 && emptyOk) {
      return obj();
    }
    JsonNode n = parse(c.body());
    if (n == null) {
      throw fail(400, "M_NOT_JSON", "Content not JSON.");
    }
    if (!(n instanceof ObjectNode o)) {
      throw fail(400, "M_BAD_JSON", "Content must be a JSON object.");
    }
    return o;
  }

  private static @Nullable JsonNode parse(byte[] json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n == null || n.isMissingNode() ? null : n;
    } catch (JacksonException e) {
      return null;
    }
  }

  private static long integer(Call c, String name, long otherwise) {
    String v = c.param(name);
    try {
      return v == null ? otherwise : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw fail(400, "M_INVALID_PARAM", "Query parameter \"" + name + "\" must be an integer");
    }
  }

  private static String mxid(String user) {
    return user.startsWith("@") ? user : "@" + user + ":" + SERVER_NAME;
  }

  /** Display names are the localpart; the bot's is "switchboard". */
  private static String displayName(String userId) {
    int colon = userId.indexOf(':');
    return userId.substring(userId.startsWith("@") ? 1 : 0, colon < 0 ? userId.length() : colon);
  }

  private static ObjectNode message(String msgtype, String body) {
    return obj().put("msgtype", msgtype).put("body", body);
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  private static String random(String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static Answer json(int status, JsonNode body) {
    return new Answer(status, JSON_TYPE, JSON.writeValueAsBytes(body), Map.of());
  }

  /** SPEC IDX §"Standard error response": {"errcode", "error"}. */
  private static ObjectNode errorBody(String errcode, String message) {
    return obj().put("errcode", errcode).put("error", message);
  }

  private static Answer error(int status, String errcode, String message) {
    return json(status, errorBody(errcode, message));
  }

  private static Refusal fail(int status, String errcode, String message) {
    return new Refusal(error(status, errcode, message));
  }

  private static Answer notFound(String message) {
    return error(404, "M_NOT_FOUND", message);
  }

  private static Route route(String method, String template, boolean auth, Endpoint e) {
    String regex = template.replace("{?}", "(?:/([^/]*))?").replace("{}", "([^/]+)");
    return new Route(method, Pattern.compile(regex), auth, auth, e);
  }

  private static String decode(String segment) {
    try {
      return URIUtil.decodePath(segment); // "!", "$", ":", "@", "#" arrive percent-encoded
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }

  /** Routing (unknown paths 404, other methods 405, before auth), auth, rate limit. */
  private Answer dispatch(Request rq, String path, byte[] body) {
    boolean known = false;
    for (Route r : routes) {
      Matcher m = r.pattern().matcher(path);
      if (!m.matches()) {
        continue;
      }
      known = true;
      if (!r.method().equals(rq.getMethod())) {
        continue;
      }
      List<String> args = new ArrayList<>();
      for (int i = 1; i <= m.groupCount(); i++) {
        args.add(m.group(i) == null ? "" : decode(m.group(i)));
      }
      String auth = rq.getHeaders().get(HttpHeader.AUTHORIZATION);
      String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
      String device = tokens.getOrDefault(token, "");
      if (r.auth()) { // IDX §"Using access tokens": the header only (v1.20 drops ?access_token=)
        if (token.isEmpty()) {
          return error(401, "M_MISSING_TOKEN", "Missing access token");
        }
        if (device.isEmpty() || tokenRefused) { // SYN errors.py InvalidClientTokenError
          return json(
              401,
              errorBody("M_UNKNOWN_TOKEN", "Unrecognised access token").put("soft_logout", false));
        }
        if (r.limited() && rateLimitNext > 0) { // SYN errors.py LimitExceededError
          rateLimitNext--;
          rateLimited++;
          ObjectNode b =
              errorBody("M_LIMIT_EXCEEDED", "Too Many Requests").put("retry_after_ms", 1000);
          return new Answer(429, JSON_TYPE, JSON.writeValueAsBytes(b), Map.of("Retry-After", "1"));
        }
      }
      try {
        return r.endpoint().answer(new Call(rq, path, List.copyOf(args), body, device));
      } catch (Refusal refusal) {
        return refusal.answer;
      }
    }
    return known
        ? error(405, "M_UNRECOGNIZED", "Unrecognized request")
        : error(404, "M_UNRECOGNIZED", "Unrecognized request");
  }

  private final class Api extends Handler.Abstract {
    @Override
    public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
      String path = rq.getHttpURI().getPath(); // still percent-encoded
      byte[] body = Content.Source.asInputStream(rq).readAllBytes();
      Answer a;
      lock.lock();
      try {
        requests.add(rq.getMethod() + " " + decode(path));
        a = dispatch(rq, path, body);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (a == DROPPED) { // the connection is closed: no answer at all
        cb.failed(new EofException("sync dropped"));
        return true;
      }
      rs.setStatus(a.status());
      a.headers().forEach(rs.getHeaders()::put);
      rs.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
      rs.write(true, ByteBuffer.wrap(a.body()), cb);
      return true;
    }
  }
}
