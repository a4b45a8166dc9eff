package dev.switchboard.platform.mattermost;

import dev.switchboard.common.Backoff;
import dev.switchboard.common.SerialSends;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ReconnectingLoop;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mattermost's WebSocket for one bot, for a {@link ReconnectingLoop} that keeps it up. The
 * server numbers the events of a connection ({@code seq}, from the {@code hello} at 0) and keeps
 * a dropped connection's events for a while: a reconnect that names the connection and the next
 * sequence number it needs gets what it missed, with no new {@code hello}. Mattermost has no
 * per-event acknowledgement, so the position is the acknowledgement: it moves past a post only
 * once the listener has taken it (journaled it), and is saved ({@link Position}) so that the
 * next process resumes where this one stopped. When the server no longer knows the connection
 * (it forgets them after about five minutes, or it restarted), its {@code hello} names a new
 * one, and the posts made meanwhile are fetched over REST ({@link Listener#missed}).
 */
final class MattermostSocket implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(MattermostSocket.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
  static final Duration PING_EVERY = Duration.ofSeconds(20);
  /** Saved at least this often while only other events (typing, statuses) move the position. */
  private static final int SAVE_EVERY_EVENTS = 64;

  /** Where the socket hands what it receives. */
  interface Listener {
    /**
     * One {@code posted} event's data; return once it is kept (the position moves past it
     * after). Returns the post's {@code create_at} (ms), or 0 when it has none.
     */
    long posted(JsonNode data) throws InterruptedException;

    /**
     * Events were lost (the server forgot the connection): fetch what was posted since then and
     * take it as {@link #posted} would. Returns the newest {@code create_at} taken, or 0.
     */
    long missed(long sinceMillis) throws PlatformException, InterruptedException;

    /** The position moved; keep it for the next process. */
    void save(Position position);
  }

  /**
   * How far the bot has read: the server's connection id, the next event's number on it, the
   * newest post taken ({@code create_at}, ms; at first the time the bot first connected), and
   * whose position it is (the bot's user id: another bot's is not resumed).
   */
  record Position(String connectionId, long nextSeq, long lastPostAt, String botUserId) {
    String encode() {
      return connectionId + " " + nextSeq + " " + lastPostAt + " " + botUserId;
    }

    static @Nullable Position decode(String saved) {
      String[] parts = saved.strip().split(" ", -1);
      if (parts.length != 4 || !MattermostApi.ID.matcher(parts[0]).matches()) {
        return null;
      }
      try {
        return new Position(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private final HttpClient http;
  private final MattermostApi api;
  private final URI url;
  private final String token;
  private final String botUserId;
  private final Listener listener;
  private final Backoff failures;
  private final LongSupplier nowMillis;
  private volatile @Nullable Connection current;
  private volatile @Nullable Position position;
  private volatile boolean closed;

  /**
   * @param failures the waits after a connection ended by a failure of the gateway's own (the
   *     journal refused a post, the missed posts could not be fetched), which would otherwise be
   *     retried at once, the connection having been up
   */
  MattermostSocket(
      HttpClient http,
      MattermostApi api,
      URI url,
      String token,
      String botUserId,
      @Nullable Position saved,
      Listener listener,
      Backoff failures,
      LongSupplier nowMillis) {
    this.http = http;
    this.api = api;
    this.url = url;
    this.token = token;
    this.botUserId = botUserId;
    this.position = saved != null && saved.botUserId().equals(botUserId) ? saved : null;
    this.listener = listener;
    this.failures = failures;
    this.nowMillis = nowMillis;
  }

  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    try {
      // A refused token says so here, plainly; a refused upgrade would say only "401".
      api.call("GET", "/users/me", null, OPEN_TIMEOUT);
    } catch (PlatformException e) {
      if (e instanceof MattermostApi.Failure f && f.status() == 401) {
        return ReconnectingLoop.End.fatal("Mattermost refused the token (" + e.getMessage() + ")");
      }
      if (e.kind() == PlatformException.Kind.FATAL) {
        return ReconnectingLoop.End.fatal(e.getMessage()
            + " (check platforms.mattermost.url: the server's address, with its subpath)");
      }
      return ReconnectingLoop.End.retry("cannot reach Mattermost: " + e.getMessage());
    }
    Position from = position;
    URI target = from == null
        ? url
        : URI.create(
            url + "?connection_id=" + from.connectionId() + "&sequence_number=" + from.nextSeq());
    Connection c = new Connection(link, from);
    CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(OPEN_TIMEOUT)
        .buildAsync(target, c);
    try {
      c.socket = opening.get(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (from == null) {
        c.hello.get(OPEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      abandon(opening);
      c.close(1000, "stopping");
      throw e;
    } catch (ExecutionException e) {
      abandon(opening);
      c.close(1000, "no hello");
      if (e.getCause() instanceof WebSocketHandshakeException h
          && (h.getResponse().statusCode() == 401 || h.getResponse().statusCode() == 403)) {
        return ReconnectingLoop.End.fatal(
            "Mattermost refused the WebSocket (HTTP " + h.getResponse().statusCode() + ")");
      }
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return ReconnectingLoop.End.retry("the WebSocket upgrade was answered HTTP "
            + h.getResponse().statusCode()
            + " (a proxy in front of Mattermost must pass the Upgrade and Connection headers)");
      }
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return ReconnectingLoop.End.retry(
          "the Mattermost WebSocket failed: " + cause.getClass().getSimpleName());
    } catch (TimeoutException e) {
      abandon(opening);
      c.close(1000, "no hello");
      return ReconnectingLoop.End.retry("the Mattermost WebSocket did not open in 30 s");
    }
    current = c;
    // Resumed: the server replays what was missed without a hello, so open is connected.
    link.connected();
    String end = awaitEnd(c);
    c.close(c.closeCode, "ended");
    return c.failed
        ? ReconnectingLoop.End.degraded(end).drawingFrom(failures)
        : ReconnectingLoop.End.retry(end);
  }

  /** A handshake that finishes later is dropped. */
  @SuppressWarnings("FutureReturnValueIgnored") // a handshake that fails leaves nothing to abort
  private static void abandon(CompletableFuture<WebSocket> opening) {
    opening.thenAccept(WebSocket::abort);
  }

  /**
   * Waits for the connection to end, pinging it meanwhile: a connection that stops answering
   * pings is dead even if no close ever arrives, and the pongs are the adapter's progress.
   */
  private String awaitEnd(Connection c) throws InterruptedException {
    while (true) {
      try {
        return c.ended.get(PING_EVERY.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (c.backfilling) {
          // Pongs wait behind the fetch, which is progress of its own.
          c.link.alive();
          c.lastPong = System.nanoTime();
        }
        if (System.nanoTime() - c.lastPong > PING_EVERY.multipliedBy(3).toNanos()) {
          c.closeCode = 4000; // Mattermost's own code for "the client's ping timed out"
          return "no answer to pings for " + PING_EVERY.multipliedBy(3).toSeconds() + " s";
        }
        c.ping();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return "the Mattermost WebSocket failed: " + cause.getClass().getSimpleName();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = current;
    if (c != null) {
      c.close(1000, "shutting down");
      c.ended.complete("closed");
    }
  }

  /** One WebSocket connection. */
  private final class Connection implements WebSocket.Listener {
    final ReconnectingLoop.Link link;
    /** The position this connection was opened to resume from; null for a new one. */
    private final @Nullable Position resumedFrom;

    final CompletableFuture<Void> hello = new CompletableFuture<>();
    final CompletableFuture<String> ended = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final SerialSends sends = new SerialSends();
    volatile @Nullable WebSocket socket;
    volatile long lastPong = System.nanoTime();
    volatile int closeCode = 1000;
    /** Ended by a failure on the gateway's side, not the connection's. */
    volatile boolean failed;

    volatile boolean backfilling;
    private int unsaved;

    Connection(ReconnectingLoop.Link link, @Nullable Position resumedFrom) {
      this.link = link;
      this.resumedFrom = resumedFrom;
    }

    void ping() {
      WebSocket ws = socket;
      if (ws != null && !ws.isOutputClosed()) {
        sends.after(() -> ws.sendPing(ByteBuffer.allocate(0)));
      }
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      lastPong = System.nanoTime();
      link.alive();
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      lastPong = System.nanoTime(); // the server's own pings say the same
      link.alive();
      webSocket.request(1);
      return null;
    }

    // The close's outcome needs no one: whatever it is, the socket is aborted after it.
    @SuppressWarnings("FutureReturnValueIgnored")
    void close(int code, String reason) {
      WebSocket ws = socket;
      if (ws != null && !ws.isOutputClosed()) {
        ws.sendClose(code, reason)
            .orTimeout(2, TimeUnit.SECONDS)
            .whenComplete((x, e) -> ws.abort());
      }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      webSocket.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(
        WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        link.alive();
        JsonNode m = null;
        try {
          m = JSON.readTree(text);
        } catch (RuntimeException e) {
          log.warn(
              "mattermost: unreadable WebSocket message skipped: {}",
              e.getClass().getSimpleName());
        }
        try {
          if (m != null) {
            handle(m);
          }
        } catch (InterruptedException e) {
          // Stopping: the position stays before this event, so the next process gets it again.
          close(1000, "stopping");
          ended.complete("stopping");
          return null;
        } catch (RuntimeException e) {
          // The journal refused it (the store is down, the lease lost): not taken, so the
          // position stays before it, and the connection ends, to be resumed after a wait.
          log.warn("mattermost: a WebSocket event could not be taken: {}", e.toString());
          failed = true;
          closeCode = 1011;
          ended.complete("an event could not be taken: " + e.getClass().getSimpleName());
          return null;
        }
      }
      if (!ended.isDone()) {
        webSocket.request(1);
      }
      return null;
    }

    private void handle(JsonNode m) throws InterruptedException {
      String event = m.path("event").asString("");
      if (event.isEmpty()) {
        return; // an answer to one of our actions ("seq_reply"): the bot sends none it awaits
      }
      long seq = m.path("seq").asLong(-1);
      if (event.equals("hello")) {
        hello(m.path("data").path("connection_id").asString(""), seq);
        return;
      }
      Position at = position;
      if (at == null || seq < 0) {
        return; // no hello yet: the server sends none of these before it
      }
      if (seq < at.nextSeq()) {
        return; // replayed, and already taken
      }
      if (seq > at.nextSeq()) {
        // Lost in between: reconnect from the one missing, and the server sends it again.
        closeCode = 4001; // Mattermost's code for "sequence mismatch"
        ended.complete("event " + at.nextSeq() + " is missing (got " + seq + ")");
        return;
      }
      long postedAt = event.equals("posted") ? listener.posted(m.path("data")) : 0;
      Position next =
          new Position(at.connectionId(), seq + 1, Math.max(at.lastPostAt(), postedAt), botUserId);
      position = next;
      if (event.equals("posted") || ++unsaved >= SAVE_EVERY_EVENTS) {
        unsaved = 0;
        save(next);
      }
    }

    private void hello(String connectionId, long seq) throws InterruptedException {
      if (!MattermostApi.ID.matcher(connectionId).matches()) {
        ended.complete("the server's hello named no connection");
        return;
      }
      Position before = position;
      // A bot's first connection counts as its first post, so a gap before it ever gets one
      // is fetched too.
      long lastPostAt = before == null ? nowMillis.getAsLong() : before.lastPostAt();
      if (before != null && !before.connectionId().equals(connectionId)) {
        if (resumedFrom != null) {
          log.warn("mattermost: the server no longer knew the connection; fetching what was posted"
              + " meanwhile");
        }
        // Before the new position is saved: a process stopped in the middle, or a fetch that
        // fails, leaves the old one, and the next connection fetches again.
        backfilling = true;
        try {
          lastPostAt = Math.max(lastPostAt, listener.missed(lastPostAt));
        } catch (PlatformException e) {
          log.warn(
              "mattermost: could not fetch the posts made while disconnected: {}", e.getMessage());
          failed = true;
          ended.complete("could not fetch the posts made while disconnected: " + e.getMessage());
          return;
        } finally {
          backfilling = false;
        }
      }
      Position next = new Position(connectionId, Math.max(0, seq) + 1, lastPostAt, botUserId);
      position = next;
      save(next);
      hello.complete(null);
    }

    /** Kept for the next process, unless the socket was closed meanwhile (a new adapter's). */
    private void save(Position next) {
      if (!closed) {
        listener.save(next);
      }
    }

    @Override
    public @Nullable CompletionStage<?> onClose(
        WebSocket webSocket, int statusCode, String reason) {
      hello.completeExceptionally(new IOException("closed before hello"));
      ended.complete("the Mattermost WebSocket closed (" + statusCode + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      hello.completeExceptionally(error);
      ended.complete("the Mattermost WebSocket broke: " + error.getClass().getSimpleName());
    }
  }
}
