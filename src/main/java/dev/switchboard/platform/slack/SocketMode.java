package dev.switchboard.platform.slack;

import dev.switchboard.common.SerialSends;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ReconnectingLoop;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slack Socket Mode for one app, for a {@link ReconnectingLoop} that keeps it up: {@code
 * apps.connections.open} with the app-level token gives a WebSocket URL; Slack says hello, then
 * sends envelopes, each acknowledged by its {@code envelope_id} only after the listener has
 * taken the event (journaled it), so an event the gateway did not keep is sent again by Slack. A
 * {@code disconnect} envelope (Slack refreshes connections every few hours, with a warning
 * first) opens the next connection before the old one is closed; since both may deliver for a
 * moment, and Slack redelivers what was not acknowledged, events are deduplicated by {@code
 * event_id}.
 */
final class SocketMode implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(SocketMode.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(30);
  static final Duration PING_EVERY = Duration.ofSeconds(20);
  private static final String REFRESH = "refresh";

  /** Where Socket Mode hands each event_callback payload. */
  @FunctionalInterface
  interface Listener {
    /** One event_callback payload; return once it is kept (it is acknowledged after). */
    void event(JsonNode payload) throws InterruptedException;
  }

  private final HttpClient http;
  private final SlackWebApi api;
  private final String appToken;
  private final Listener listener;
  private final Set<String> seen =
      Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 2000;
        }
      }));
  private volatile @Nullable Connection current;
  /** A connection Slack asked us to leave: closed once the next one has said hello. */
  private volatile @Nullable Connection leaving;

  SocketMode(HttpClient http, SlackWebApi api, String appToken, Listener listener) {
    this.http = http;
    this.api = api;
    this.appToken = appToken;
    this.listener = listener;
  }

  /** One connection: opened, said hello, ended (a refresh keeps it open until the next). */
  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    URI url;
    try {
      url = URI.create(api.call("apps.connections.open", appToken, null, Duration.ofSeconds(30))
          .path("url")
          .asString());
    } catch (PlatformException e) {
      if (e.kind() == PlatformException.Kind.FATAL) {
        return ReconnectingLoop.End.fatal(
            "Slack refused the app-level token (" + e.getMessage() + ")");
      }
      return ReconnectingLoop.End.retry("cannot open a Socket Mode connection: " + e.getMessage());
    }
    Connection c = new Connection(link);
    CompletableFuture<WebSocket> opening =
        http.newWebSocketBuilder().connectTimeout(HELLO_TIMEOUT).buildAsync(url, c);
    try {
      c.socket = opening.get(HELLO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      c.hello.get(HELLO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      abandon(opening);
      c.close(1000, "stopping");
      throw e;
    } catch (ExecutionException | TimeoutException e) {
      abandon(opening);
      c.close(1000, "no hello");
      return ReconnectingLoop.End.retry(
          "Socket Mode connection failed: " + e.getClass().getSimpleName());
    }
    current = c;
    closeLeaving();
    link.connected();
    String end = awaitEnd(c);
    if (end.startsWith(REFRESH)) {
      leaving = c; // Slack asked for a new connection: it is opened first, then this one goes
      return ReconnectingLoop.End.quietly(end);
    }
    c.close(1000, "ended");
    return c.fatal ? ReconnectingLoop.End.fatal(end) : ReconnectingLoop.End.retry(end);
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
      long untilRefresh = c.refreshAt == 0 ? Long.MAX_VALUE : c.refreshAt - System.nanoTime();
      if (untilRefresh <= 0) {
        return REFRESH + " (the connection's lifetime is almost up)";
      }
      try {
        return c.ended.get(Math.min(PING_EVERY.toNanos(), untilRefresh), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (c.refreshAt != 0 && System.nanoTime() >= c.refreshAt) {
          continue;
        }
        if (System.nanoTime() - c.lastPong > PING_EVERY.multipliedBy(3).toNanos()) {
          c.close(4000, "no pong");
          return "no answer to pings for " + PING_EVERY.multipliedBy(3).toSeconds() + " s";
        }
        c.ping();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return "the Socket Mode connection failed: " + cause.getClass().getSimpleName();
      }
    }
  }

  private void closeLeaving() {
    Connection old = leaving;
    leaving = null;
    if (old != null) {
      old.close(1000, "refreshed");
    }
  }

  @Override
  public void close() {
    closeLeaving();
    Connection c = current;
    if (c != null) {
      c.close(1000, "shutting down");
      c.ended.complete("closed");
    }
  }

  /** One WebSocket connection. */
  private final class Connection implements WebSocket.Listener {
    private final ReconnectingLoop.Link link;
    final CompletableFuture<Void> hello = new CompletableFuture<>();
    /** Completes with "refresh ..." when Slack asks for a new connection, else why it ended. */
    final CompletableFuture<String> ended = new CompletableFuture<>();

    private final StringBuilder partial = new StringBuilder();
    private final SerialSends sends = new SerialSends();
    volatile @Nullable WebSocket socket;
    volatile long lastPong = System.nanoTime();
    /** When to open the next connection: before Slack ends this one (0: not known). */
    volatile long refreshAt;
    /** Slack ended this connection for good: Socket Mode is off for the app. */
    volatile boolean fatal;

    Connection(ReconnectingLoop.Link link) {
      this.link = link;
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
      lastPong = System.nanoTime(); // Slack's own pings say the same
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

    private void send(String text) {
      WebSocket ws = socket;
      if (ws != null) { // set by onOpen, before any envelope can arrive to be acknowledged
        sends.after(() -> ws.sendText(text, true));
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
        try {
          handle(JSON.readTree(text));
        } catch (InterruptedException e) {
          // Stopping: not acknowledged, so Slack sends it again to the next connection.
          close(1000, "stopping");
          ended.complete("stopping");
          return null;
        } catch (RuntimeException e) {
          log.warn(
              "slack: unreadable Socket Mode message skipped: {}", e.getClass().getSimpleName());
        }
      }
      webSocket.request(1);
      return null;
    }

    private void handle(JsonNode m) throws InterruptedException {
      String type = m.path("type").asString("");
      switch (type) {
        case "hello" -> {
          // Slack says how long it keeps a connection; move on at 90% of that, before it ends.
          long seconds =
              m.path("debug_info").path("approximate_connection_time").asLong(0);
          if (seconds > 0) {
            refreshAt = System.nanoTime() + seconds * 900_000_000L;
          }
          hello.complete(null);
        }
        case "disconnect" -> {
          String reason = m.path("reason").asString("");
          if (reason.equals("link_disabled")) {
            fatal = true;
            ended.complete("Slack disabled Socket Mode for this app (link_disabled)");
          } else {
            ended.complete(REFRESH + " (" + reason + ")");
          }
        }
        default -> {
          String envelope = m.path("envelope_id").asString(null);
          if (envelope == null) {
            return;
          }
          JsonNode payload = m.path("payload");
          String eventId = payload.path("event_id").asString(envelope);
          if (type.equals("events_api") && !seen.contains(eventId)) {
            listener.event(payload);
            seen.add(eventId);
          }
          send("{\"envelope_id\":" + JSON.writeValueAsString(envelope) + "}");
        }
      }
    }

    @Override
    public @Nullable CompletionStage<?> onClose(
        WebSocket webSocket, int statusCode, String reason) {
      hello.completeExceptionally(new IOException("closed before hello"));
      ended.complete("the Socket Mode connection closed (" + statusCode + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      hello.completeExceptionally(error);
      ended.complete("the Socket Mode connection broke: " + error.getClass().getSimpleName());
    }
  }
}
