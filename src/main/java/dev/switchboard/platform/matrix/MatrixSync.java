package dev.switchboard.platform.matrix;

import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ReconnectingLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /sync} long polling for a {@link ReconnectingLoop}. Each answer's events are handed to
 * the listener (which journals them) before its {@code next_batch} is saved, so a stop or crash
 * in between gets the same events again from the homeserver, and the journal drops the repeats.
 * The first sync of a bot that has no saved position only notes where the rooms are: it answers
 * nothing from before it ran. A room whose timeline came {@code limited} (more events than the
 * filter's 50 since the last sync) has the missing ones fetched from {@code /messages}. Invites
 * are answered as they come: joined when from an allowed user or for a direct chat (so a stranger
 * can ask for a pairing code), declined otherwise.
 */
final class MatrixSync implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(MatrixSync.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration POLL = Duration.ofSeconds(30);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  private static final int GAP_LIMIT = 100;
  /**
   * The events the gateway reads; presence, typing and other clients' receipts are left out,
   * and members are loaded lazily, to keep each answer small.
   */
  private static final String FILTER = "{\"presence\":{\"not_types\":[\"*\"]},"
      + "\"account_data\":{\"not_types\":[\"*\"]},"
      + "\"room\":{\"timeline\":{\"limit\":50},\"ephemeral\":{\"not_types\":[\"*\"]},"
      + "\"state\":{\"lazy_load_members\":true}}}";

  /** Where the sync hands what it receives. */
  interface Listener {
    /**
     * A timeline event of a joined room; returns once kept, true if it was a message taken.
     * Throws when it could not be decided (the room's members could not be counted): the batch
     * is then fetched again.
     */
    boolean event(String roomId, JsonNode event) throws PlatformException, InterruptedException;

    /** An encrypted event, which the gateway cannot read, in {@code roomId}. */
    void encrypted(String roomId) throws InterruptedException;

    /** The position after the events handed over so far; keep it for the next process. */
    void save(String nextBatch);
  }

  private final MatrixApi api;
  private final MatrixSession session;
  private final String botUserId;
  private final Set<String> allowedInviters;
  private final Listener listener;
  private volatile @Nullable String since;

  MatrixSync(
      MatrixApi api,
      MatrixSession session,
      String botUserId,
      Set<String> allowedInviters,
      @Nullable String since,
      Listener listener) {
    this.api = api;
    this.session = session;
    this.botUserId = botUserId;
    this.allowedInviters = allowedInviters;
    this.since = since;
    this.listener = listener;
  }

  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    boolean connected = false;
    while (true) {
      String from = since;
      // The first sync of an attempt does not wait: it says at once that the homeserver
      // answers, so the platform is connected in a moment rather than after a long poll.
      Duration wait = from == null || !connected ? Duration.ZERO : POLL;
      JsonNode batch;
      try {
        session.ensure(api);
        batch = api.call("GET", path(from, wait), null, wait.plus(CALL_DEADLINE));
      } catch (PlatformException e) {
        return ended(e);
      }
      if (!connected) {
        connected = true;
        link.connected();
      }
      link.alive();
      String next = batch.path("next_batch").asString("");
      if (next.isEmpty()) {
        return ReconnectingLoop.End.retry("the homeserver's sync answer had no next_batch");
      }
      Map<String, String> read;
      try {
        read = handle(batch, from, link);
      } catch (PlatformException e) {
        // Not saved: the homeserver sends the same batch again, and the journal drops what it
        // took already.
        log.warn(
            "matrix: a sync's events could not all be taken; fetching them again: {}",
            e.getMessage());
        ReconnectingLoop.End end = ReconnectingLoop.End.degraded(
            "a sync's events could not all be taken: " + e.getMessage());
        return end.plus(
            e.kind() == PlatformException.Kind.RATE_LIMITED
                ? e.retryAfter()
                : Duration.ofSeconds(5));
      }
      since = next;
      listener.save(next);
      receipts(read);
    }
  }

  private ReconnectingLoop.End ended(PlatformException e) {
    if (e instanceof MatrixApi.Failure f && f.status() == 401) {
      if (session.canLogIn() && f.errcode().equals("M_UNKNOWN_TOKEN")) {
        session.refused();
        return ReconnectingLoop.End.retry("the homeserver no longer takes the kept token ("
            + e.getMessage() + "); logging in again");
      }
      return ReconnectingLoop.End.fatal("Matrix refused the access token (" + e.getMessage() + ")");
    }
    if (e instanceof MatrixApi.Failure f && f.status() == 400 && since != null) {
      // A position this homeserver never gave (another server, a restored database): start
      // afresh rather than ask with it forever.
      log.warn(
          "matrix: the homeserver refused the saved sync position ({}); starting afresh",
          e.getMessage());
      since = null;
      return ReconnectingLoop.End.retry("the saved sync position was refused; starting afresh");
    }
    if (e.kind() == PlatformException.Kind.FATAL) {
      return ReconnectingLoop.End.fatal("Matrix refused the bot (" + e.getMessage() + ")");
    }
    ReconnectingLoop.End end = ReconnectingLoop.End.retry("sync failed: " + e.getMessage());
    return e.kind() == PlatformException.Kind.RATE_LIMITED ? end.plus(e.retryAfter()) : end;
  }

  private static String path(@Nullable String since, Duration wait) {
    StringBuilder p = new StringBuilder("/_matrix/client/v3/sync?set_presence=offline&timeout=")
        .append(wait.toMillis())
        .append("&filter=")
        .append(MatrixApi.segment(FILTER));
    if (since != null) {
      p.append("&since=").append(MatrixApi.segment(since));
    }
    return p.toString();
  }

  /** Returns, per room, the last message taken: to mark it read once the batch is kept. */
  private Map<String, String> handle(
      JsonNode batch, @Nullable String from, ReconnectingLoop.Link link)
      throws PlatformException, InterruptedException {
    for (Map.Entry<String, JsonNode> invite : batch.path("rooms").path("invite").properties()) {
      invited(invite.getKey(), invite.getValue());
      link.alive();
    }
    Map<String, String> read = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> joined : batch.path("rooms").path("join").properties()) {
      String roomId = joined.getKey();
      JsonNode timeline = joined.getValue().path("timeline");
      if (from == null) {
        continue; // the first sync: history, not answered
      }
      List<JsonNode> events = new ArrayList<>();
      timeline.path("events").forEach(events::add);
      int joinedAt = ownJoin(events);
      if (joinedAt >= 0) {
        // Just joined: the homeserver sends the room's recent history, which is not answered.
        events = new ArrayList<>(events.subList(joinedAt + 1, events.size()));
      } else if (timeline.path("limited").asBoolean(false) && timeline.has("prev_batch")) {
        events.addAll(0, missed(roomId, timeline.path("prev_batch").asString(), from));
      }
      for (JsonNode e : events) {
        if (e.path("type").asString("").equals("m.room.encrypted")) {
          listener.encrypted(roomId);
        } else if (listener.event(roomId, e)) {
          read.put(roomId, e.path("event_id").asString());
        }
        link.alive();
      }
    }
    return read;
  }

  /** Where in {@code events} the bot's own join is, or -1. */
  private int ownJoin(List<JsonNode> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      JsonNode e = events.get(i);
      if (e.path("type").asString("").equals("m.room.member")
          && botUserId.equals(e.path("state_key").asString(""))
          && e.path("content").path("membership").asString("").equals("join")) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The events between the last sync and a limited timeline, oldest first. A failure that may
   * pass fails the batch, to be fetched again; one that will not (the room is gone) is logged.
   */
  private List<JsonNode> missed(String roomId, String prevBatch, String from)
      throws PlatformException, InterruptedException {
    String filter = "{\"types\":[\"m.room.message\",\"m.room.encrypted\"]}";
    List<JsonNode> found = new ArrayList<>();
    try {
      JsonNode page = api.call(
          "GET",
          "/_matrix/client/v3/rooms/" + MatrixApi.segment(roomId) + "/messages?dir=b&limit="
              + GAP_LIMIT + "&from=" + MatrixApi.segment(prevBatch) + "&to="
              + MatrixApi.segment(from) + "&filter=" + MatrixApi.segment(filter),
          null,
          CALL_DEADLINE);
      page.path("chunk").forEach(e -> found.addFirst(e));
      if (page.has("end") && found.size() >= GAP_LIMIT) {
        log.warn(
            "matrix: more than {} messages arrived in one room between two syncs; the oldest"
                + " were not fetched",
            GAP_LIMIT);
      }
    } catch (PlatformException e) {
      if (e.kind() != PlatformException.Kind.FATAL) {
        throw e;
      }
      log.warn("matrix: could not fetch the messages a sync left out: {}", e.getMessage());
    }
    return found;
  }

  /** Joins or declines; a failure that may pass fails the batch, so the invite comes again. */
  private void invited(String roomId, JsonNode room)
      throws PlatformException, InterruptedException {
    String inviter = null;
    boolean direct = false;
    for (JsonNode e : room.path("invite_state").path("events")) {
      if (e.path("type").asString("").equals("m.room.member")
          && botUserId.equals(e.path("state_key").asString(""))
          && e.path("content").path("membership").asString("").equals("invite")) {
        inviter = e.path("sender").asString(null);
        direct = e.path("content").path("is_direct").asBoolean(false);
      }
    }
    if (inviter == null) {
      return;
    }
    boolean join = allowedInviters.contains(inviter) || direct;
    String action = join ? "join" : "leave";
    try {
      api.call(
          "POST",
          "/_matrix/client/v3/rooms/" + MatrixApi.segment(roomId) + "/" + action,
          JSON.createObjectNode(),
          CALL_DEADLINE);
      log.info(
          "matrix: {} the invite of {} to a {}",
          join ? "accepted" : "declined",
          inviter,
          direct ? "direct chat" : "room (not an allowed user)");
    } catch (PlatformException e) {
      if (e.kind() != PlatformException.Kind.FATAL) {
        throw e;
      }
      log.warn(
          "matrix: could not {} the room {} was invited to: {}", action, inviter, e.getMessage());
    }
  }

  private void receipts(Map<String, String> read) throws InterruptedException {
    for (Map.Entry<String, String> r : read.entrySet()) {
      try {
        api.call(
            "POST",
            "/_matrix/client/v3/rooms/" + MatrixApi.segment(r.getKey()) + "/receipt/m.read/"
                + MatrixApi.segment(r.getValue()),
            JSON.createObjectNode(),
            Duration.ofSeconds(10));
      } catch (PlatformException e) {
        log.debug("matrix: read receipt not sent: {}", e.getMessage());
      }
    }
  }
}
