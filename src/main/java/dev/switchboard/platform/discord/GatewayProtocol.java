package dev.switchboard.platform.discord;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Discord Gateway's session rules, without any I/O: given what arrived (a payload, a due
 * heartbeat, a close), what to do next. Kept apart from the socket so every rule can be tested
 * by feeding it events in any order.
 *
 * <p>The rules (Discord API v10, "Gateway"): Hello starts heartbeats, the first after a random
 * fraction of the interval; each heartbeat carries the last sequence number; a heartbeat due
 * while the previous one was not acknowledged means a zombie connection, closed with a code
 * that keeps the session and resumed; Identify on a fresh session, Resume (session id and
 * sequence, at the resume URL) otherwise; op 7 asks for a resume; op 9 says whether the session
 * can be resumed; some close codes forbid reconnecting at all.
 *
 * <p>Not thread-safe: its owner calls it from one thread at a time.
 */
final class GatewayProtocol {
  static final int DISPATCH = 0;
  static final int HEARTBEAT = 1;
  static final int IDENTIFY = 2;
  static final int RESUME = 6;
  static final int RECONNECT = 7;
  static final int INVALID_SESSION = 9;
  static final int HELLO = 10;
  static final int HEARTBEAT_ACK = 11;

  /** Our close code for a connection we give up on but whose session we keep. */
  static final int CLOSE_KEEP_SESSION = 4900;

  /** Close codes after which reconnecting cannot help: the configuration is wrong. */
  private static final Set<Integer> FATAL = Set.of(4004, 4010, 4011, 4012, 4013, 4014);
  /**
   * Close codes after which the session cannot be resumed but a new one may be identified:
   * unknown opcode, not authenticated, already authenticated, invalid seq, session timed out.
   */
  private static final Set<Integer> SESSION_LOST = Set.of(4001, 4003, 4005, 4007, 4009);

  /** What the owner must do. */
  sealed interface Action {
    record Send(String payload) implements Action {
      /** Identify and Resume carry the token: never printed. */
      @Override
      public String toString() {
        return "Send[" + payload.length() + " chars]";
      }
    }

    /** Heartbeat every {@code interval}, the first after {@code first}. */
    record StartHeartbeats(Duration first, Duration interval) implements Action {}

    record Ready(String botUserId, String botName) implements Action {}

    record Resumed() implements Action {}

    /**
     * A dispatch for the adapter (t and d). Its sequence number counts only once the owner
     * says it was {@link GatewayProtocol#delivered delivered}: a resume then replays it if not.
     */
    record Deliver(String type, JsonNode data, long seq) implements Action {}

    /**
     * Close this connection (if open) with {@code closeCode} and connect again after
     * {@code delay}: to the resume URL when {@code resume}, else to the gateway URL.
     */
    record Reconnect(boolean resume, Duration delay, int closeCode, String why) implements Action {}

    /** Stop for good: reconnecting cannot help. */
    record Fail(String why) implements Action {}
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String token;
  private final int intents;
  private final RandomGenerator random;
  private final Duration invalidSessionWaitMin;
  private final Duration invalidSessionWaitMax;

  private @Nullable String sessionId;
  private @Nullable URI resumeUrl;
  private @Nullable Long seq;
  private boolean awaitingAck;
  private boolean resuming;

  /**
   * @param invalidSessionWaitMin with {@code ...Max}: the random wait before identifying again
   *     after an invalid session (Discord says 1 to 5 s)
   */
  GatewayProtocol(
      String token,
      int intents,
      RandomGenerator random,
      Duration invalidSessionWaitMin,
      Duration invalidSessionWaitMax) {
    this.token = token;
    this.intents = intents;
    this.random = random;
    this.invalidSessionWaitMin = invalidSessionWaitMin;
    this.invalidSessionWaitMax = invalidSessionWaitMax;
  }

  /** Whether the next connection should resume (and so go to {@link #resumeUrl()}). */
  boolean canResume() {
    return sessionId != null && resumeUrl != null;
  }

  @Nullable
  URI resumeUrl() {
    return resumeUrl;
  }

  @Nullable
  Long sequence() {
    return seq;
  }

  /** A new connection is open; nothing is sent until Hello. */
  void opened() {
    awaitingAck = false;
    resuming = canResume();
  }

  List<Action> onPayload(String text) {
    JsonNode p;
    try {
      p = JSON.readTree(text);
    } catch (RuntimeException e) {
      return List.of(new Action.Reconnect(
          canResume(), Duration.ZERO, CLOSE_KEEP_SESSION, "unreadable gateway payload"));
    }
    // A dispatch's number is committed by delivered(), after the adapter took it; READY's
    // and RESUMED's here, as nothing else has to happen to them.
    // Only the defaulting accessors below: a field of the wrong type reads as absent.
    JsonNode s = p.path("s");
    Long number = s.isIntegralNumber() && s.canConvertToLong() ? s.longValue() : null;
    String t = p.path("t").asString("");
    if (number != null && (t.equals("READY") || t.equals("RESUMED"))) {
      seq = number;
    }
    return switch (p.path("op").asInt(-1)) {
      case HELLO -> hello(p.path("d"));
      case HEARTBEAT_ACK -> {
        awaitingAck = false;
        yield List.of();
      }
      case HEARTBEAT -> List.of(new Action.Send(heartbeat())); // the gateway asks for one now
      case RECONNECT ->
        List.of(new Action.Reconnect(
            canResume(),
            Duration.ZERO,
            CLOSE_KEEP_SESSION,
            "the gateway asked us to reconnect (op 7)"));
      case INVALID_SESSION -> invalidSession(p.path("d").asBoolean(false));
      case DISPATCH -> dispatch(t, p.path("d"), number == null ? -1 : number);
      default -> List.of();
    };
  }

  private List<Action> hello(JsonNode d) {
    Duration interval = Duration.ofMillis(d.path("heartbeat_interval").asLong(41_250));
    Duration first = Duration.ofMillis((long) (interval.toMillis() * random.nextDouble()));
    String hello = resuming ? resume() : identify();
    return List.of(new Action.StartHeartbeats(first, interval), new Action.Send(hello));
  }

  private List<Action> invalidSession(boolean resumable) {
    if (!resumable) {
      sessionId = null;
      resumeUrl = null;
      seq = null;
    }
    long min = invalidSessionWaitMin.toMillis();
    long span = Math.max(0, invalidSessionWaitMax.toMillis() - min);
    Duration wait = Duration.ofMillis(min + (span == 0 ? 0 : random.nextLong(span + 1)));
    return List.of(new Action.Reconnect(
        resumable && canResume(),
        wait,
        CLOSE_KEEP_SESSION,
        "the gateway invalidated the session (op 9, resumable: " + resumable + ")"));
  }

  private List<Action> dispatch(String type, JsonNode d, long number) {
    return switch (type) {
      case "READY" -> {
        sessionId = d.path("session_id").asString(null);
        resumeUrl = uri(d.path("resume_gateway_url").asString(null));
        JsonNode user = d.path("user");
        yield List.of(
            new Action.Ready(user.path("id").asString(""), user.path("username").asString("")));
      }
      case "RESUMED" -> List.of(new Action.Resumed());
      default -> List.of(new Action.Deliver(type, d, number));
    };
  }

  /** A resume URL as Discord gave it; null (identify anew next time) when it is not one. */
  private static @Nullable URI uri(@Nullable String url) {
    try {
      return url == null ? null : URI.create(url);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The adapter took dispatch {@code number}: heartbeats and resumes now count from it. */
  void delivered(long number) {
    if (number >= 0 && (seq == null || number > seq)) {
      seq = number;
    }
  }

  /** The session to resume, as {@link #restore} takes it back; empty with none. */
  Optional<String> saved() {
    URI url = resumeUrl;
    if (sessionId == null || url == null) { // canResume(), in terms NullAway can follow
      return Optional.empty();
    }
    ObjectNode n = JSON.createObjectNode()
        .put("session_id", sessionId)
        .put("resume_gateway_url", url.toString());
    if (seq != null) {
      n.put("seq", seq);
    }
    return Optional.of(n.toString());
  }

  /**
   * Takes back a session saved by an earlier process, so the first connection resumes it and
   * Discord replays what arrived in between (a stale one gets op 9 and a fresh identify).
   */
  void restore(String saved) {
    try {
      JsonNode n = JSON.readTree(saved);
      String id = n.path("session_id").asString(null);
      String url = n.path("resume_gateway_url").asString(null);
      URI resume = uri(url);
      if (id != null && resume != null) {
        sessionId = id;
        resumeUrl = resume;
        JsonNode s = n.path("seq");
        seq = s.isIntegralNumber() && s.canConvertToLong() ? s.longValue() : null;
      }
    } catch (RuntimeException e) {
      // an unreadable cursor: identify anew
    }
  }

  /** A heartbeat is due: send it, unless the last one was never acknowledged. */
  List<Action> heartbeatDue() {
    if (awaitingAck) {
      return List.of(new Action.Reconnect(
          canResume(),
          Duration.ZERO,
          CLOSE_KEEP_SESSION,
          "no heartbeat ACK since the last heartbeat: the connection is a zombie"));
    }
    awaitingAck = true;
    return List.of(new Action.Send(heartbeat()));
  }

  /** The connection closed (by the gateway, or under us): what now. */
  Action closed(int code, @Nullable String reason) {
    if (FATAL.contains(code)) {
      return new Action.Fail("Discord closed the gateway with " + code + " (" + describe(code) + ")"
          + (reason == null || reason.isBlank() ? "" : ": " + reason));
    }
    if (SESSION_LOST.contains(code)) {
      sessionId = null;
      resumeUrl = null;
      seq = null;
    }
    return new Action.Reconnect(
        canResume(),
        Duration.ZERO,
        CLOSE_KEEP_SESSION,
        "the gateway connection closed (" + code
            + (reason == null || reason.isBlank() ? "" : " " + reason) + ")");
  }

  static String describe(int code) {
    return switch (code) {
      case 4004 -> "authentication failed: the bot token is wrong";
      case 4010 -> "invalid shard";
      case 4011 -> "sharding required";
      case 4012 -> "invalid API version";
      case 4013 -> "invalid intents";
      case 4014 ->
        "disallowed intents: enable the Message Content intent for the bot in the"
            + " Developer Portal";
      case 4007 -> "invalid sequence";
      case 4009 -> "session timed out";
      default -> "code " + code;
    };
  }

  private String heartbeat() {
    ObjectNode p = JSON.createObjectNode().put("op", HEARTBEAT);
    if (seq == null) {
      p.putNull("d");
    } else {
      p.put("d", seq);
    }
    return p.toString();
  }

  private String identify() {
    ObjectNode p = JSON.createObjectNode().put("op", IDENTIFY);
    ObjectNode d = p.putObject("d").put("token", token).put("intents", intents);
    d.putObject("properties")
        .put("os", System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT))
        .put("browser", "switchboard")
        .put("device", "switchboard");
    return p.toString();
  }

  private String resume() {
    ObjectNode p = JSON.createObjectNode().put("op", RESUME);
    ObjectNode d = p.putObject("d").put("token", token).put("session_id", sessionId);
    if (seq == null) {
      d.putNull("seq");
    } else {
      d.put("seq", seq);
    }
    return p.toString();
  }
}
