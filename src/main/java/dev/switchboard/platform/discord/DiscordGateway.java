package dev.switchboard.platform.discord;

import dev.switchboard.common.SerialSends;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ReconnectingLoop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * One bot's connection to the Discord Gateway, for a {@link ReconnectingLoop} that keeps it up:
 * connects, follows {@link GatewayProtocol}'s decisions (heartbeats, identify or resume,
 * reconnects) and hands dispatches to the adapter. Speaks the protocol over the JDK's WebSocket
 * client rather than through JDA, whose own threads and reconnect logic would sit outside our
 * bounded stop.
 *
 * <p>The JDK client delivers text in parts (buffered here until the last) and allows one send
 * at a time (sends are chained).
 */
final class DiscordGateway implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(DiscordGateway.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(30);

  /** What the gateway tells its owner. */
  interface Listener {
    /** Both null after a resume: the session, and so the bot, are the ones already known. */
    void ready(@Nullable String botUserId, @Nullable String botName);

    /** One dispatch; false when it was not taken (it is then replayed by a resume). */
    boolean dispatch(String type, JsonNode data);

    /** The session to resume after a restart, after every dispatch taken; may be empty. */
    default void sequence(Optional<String> saved) {}
  }

  /**
   * Where a fresh session connects (from GET /gateway/bot, which also enforces the session
   * start limit); asked before every identify, it may wait through {@code link} or fail.
   */
  @FunctionalInterface
  interface Locator {
    URI locate(ReconnectingLoop.Link link) throws PlatformException, InterruptedException;
  }

  private final HttpClient http;
  private final GatewayProtocol protocol;
  private final Locator gatewayUrl;
  private final Listener listener;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closing;
  private volatile @Nullable Connection current;

  /** @param sleeper paces the protocol's heartbeats */
  DiscordGateway(
      HttpClient http,
      GatewayProtocol protocol,
      Locator gatewayUrl,
      Listener listener,
      Sleeper sleeper) {
    this.http = http;
    this.protocol = protocol;
    this.gatewayUrl = gatewayUrl;
    this.listener = listener;
    this.sleeper = sleeper;
  }

  /** One connection, from connect to close: the protocol's last action says how it ended. */
  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    GatewayProtocol.Action end = new Connection(link).runUntilClosed();
    if (end instanceof GatewayProtocol.Action.Reconnect again) {
      return ReconnectingLoop.End.retry(again.why()).plus(again.delay());
    }
    return ReconnectingLoop.End.fatal(((GatewayProtocol.Action.Fail) end).why());
  }

  /**
   * Closes the connection with a code that keeps the session, so the next process can resume
   * it and get what arrived in between.
   */
  @Override
  public void close() {
    closing = true;
    Connection c = current;
    if (c != null) {
      c.closeSocket(GatewayProtocol.CLOSE_KEEP_SESSION, "restarting or stopping");
    }
  }

  /** One WebSocket connection: from connect to close. */
  private final class Connection implements WebSocket.Listener {
    private final ReconnectingLoop.Link link;
    private final CompletableFuture<GatewayProtocol.Action> end = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final SerialSends sends = new SerialSends();
    private volatile @Nullable CompletableFuture<WebSocket> opening;
    private volatile @Nullable WebSocket socket;
    private volatile @Nullable Thread heartbeats;

    Connection(ReconnectingLoop.Link link) {
      this.link = link;
    }

    /** A handshake we stopped waiting for may still finish: its socket is aborted then. */
    @SuppressWarnings("FutureReturnValueIgnored") // a handshake that fails leaves nothing to abort
    private void abandonOpening() {
      CompletableFuture<WebSocket> f = opening;
      if (f != null) {
        f.thenAccept(WebSocket::abort);
      }
    }

    /** Callbacks of a connection that was replaced must not touch the new one's state. */
    private boolean stale() {
      return current != this;
    }

    GatewayProtocol.Action runUntilClosed() throws InterruptedException {
      current = this;
      URI base;
      lock.lock();
      try {
        protocol.opened();
        base = protocol.canResume() ? protocol.resumeUrl() : null;
      } finally {
        lock.unlock();
      }
      try {
        if (base == null) {
          try {
            base = gatewayUrl.locate(link);
          } catch (PlatformException e) {
            if (e.kind() == PlatformException.Kind.FATAL) {
              return new GatewayProtocol.Action.Fail(
                  "cannot look up the gateway: " + e.getMessage());
            }
            return new GatewayProtocol.Action.Reconnect(
                false,
                Duration.ZERO,
                GatewayProtocol.CLOSE_KEEP_SESSION,
                "cannot look up the gateway: " + e.getMessage());
          }
        }
        URI url = URI.create(base.toString().replaceAll("/+$", "") + "/?v=10&encoding=json");
        opening = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(url, this);
        socket = opening.get(CONNECT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        abandonOpening();
        throw e;
      } catch (Exception e) {
        abandonOpening();
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return new GatewayProtocol.Action.Reconnect(
            protocol.canResume(),
            Duration.ZERO,
            GatewayProtocol.CLOSE_KEEP_SESSION,
            "cannot connect to the gateway: " + cause.getClass().getSimpleName());
      }
      try {
        try {
          return end.get(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (heartbeats == null) { // no Hello: nothing would ever notice this connection died
            closeSocket(GatewayProtocol.CLOSE_KEEP_SESSION, "no hello");
            return new GatewayProtocol.Action.Reconnect(
                protocol.canResume(),
                Duration.ZERO,
                GatewayProtocol.CLOSE_KEEP_SESSION,
                "no Hello within " + HELLO_TIMEOUT.toSeconds() + " s");
          }
          return end.get(); // heartbeats now watch it
        }
      } catch (ExecutionException e) {
        return new GatewayProtocol.Action.Reconnect(
            protocol.canResume(),
            Duration.ZERO,
            GatewayProtocol.CLOSE_KEEP_SESSION,
            "gateway error: " + e.getCause());
      } finally {
        stopHeartbeats();
        current = null;
      }
    }

    private void perform(List<GatewayProtocol.Action> actions) {
      for (GatewayProtocol.Action a : actions) {
        switch (a) {
          case GatewayProtocol.Action.Send(String payload) -> send(payload);
          case GatewayProtocol.Action.StartHeartbeats(Duration first, Duration interval) ->
            startHeartbeats(first, interval);
          case GatewayProtocol.Action.Ready(String id, String name) -> {
            log.info("discord: connected as {} (id {})", name, id);
            listener.ready(id, name);
            // Saved at once, not at the first message: a process that dies before any message
            // came must leave its successor a session to resume, or Discord replays nothing of
            // what arrived while no process was connected.
            listener.sequence(protocol.saved());
            link.connected();
          }
          case GatewayProtocol.Action.Resumed r -> {
            log.info("discord: session resumed");
            listener.ready(null, null);
            listener.sequence(protocol.saved());
            link.connected();
          }
          case GatewayProtocol.Action.Deliver(String type, JsonNode data, long seq) -> {
            // Not taken (a stop interrupted it, the journal failed): the sequence stays where
            // it was and the connection is dropped, so a resume replays this dispatch.
            if (!listener.dispatch(type, data)) {
              log.warn("discord: a {} was not taken; resuming to have it again", type);
              endWith(
                  new GatewayProtocol.Action.Reconnect(
                      true,
                      Duration.ZERO,
                      GatewayProtocol.CLOSE_KEEP_SESSION,
                      "a dispatch was not taken"),
                  GatewayProtocol.CLOSE_KEEP_SESSION,
                  "redeliver");
              return;
            }
            lock.lock();
            try {
              protocol.delivered(seq);
            } finally {
              lock.unlock();
            }
            listener.sequence(protocol.saved());
          }
          case GatewayProtocol.Action.Reconnect r -> endWith(r, r.closeCode(), "reconnecting");
          case GatewayProtocol.Action.Fail f -> endWith(f, 1000, "giving up");
        }
      }
    }

    /**
     * Ends the connection for our own reason. The reason is recorded before the close goes out:
     * the gateway's echo of our close arrives on another thread and would otherwise win with
     * "the gateway connection closed", hiding why we closed.
     */
    private void endWith(GatewayProtocol.Action why, int code, String reason) {
      end.complete(closing ? new GatewayProtocol.Action.Fail("closed") : why);
      closeSocket(code, reason);
    }

    private void send(String payload) {
      WebSocket ws = socket;
      if (ws != null) { // set by onOpen, before any payload or heartbeat asks for a send
        sends.after(() -> ws.sendText(payload, true));
      }
    }

    // The close's outcome needs no one: whatever it is, the socket is aborted after it.
    @SuppressWarnings("FutureReturnValueIgnored")
    void closeSocket(int code, String reason) {
      WebSocket ws = socket;
      if (ws != null && !ws.isOutputClosed()) {
        ws.sendClose(code, reason)
            .orTimeout(2, TimeUnit.SECONDS)
            .whenComplete((x, e) -> ws.abort());
      }
      if (closing) {
        end.complete(new GatewayProtocol.Action.Fail("closed"));
      }
    }

    private void startHeartbeats(Duration first, Duration interval) {
      stopHeartbeats();
      heartbeats = Thread.ofVirtual().name("discord-heartbeat").start(() -> {
        try {
          sleeper.sleep(first);
          while (!end.isDone()) {
            List<GatewayProtocol.Action> due;
            lock.lock();
            try {
              due = protocol.heartbeatDue();
            } finally {
              lock.unlock();
            }
            try {
              perform(due);
            } catch (RuntimeException e) {
              log.warn("discord: heartbeat failed: {}", e.toString());
            }
            sleeper.sleep(interval);
          }
        } catch (InterruptedException e) {
          // the connection ended
        }
      });
    }

    private void stopHeartbeats() {
      if (heartbeats != null) {
        heartbeats.interrupt();
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
      if (last && stale()) {
        partial.setLength(0);
      } else if (last) {
        link.alive();
        String text = partial.toString();
        partial.setLength(0);
        List<GatewayProtocol.Action> actions;
        lock.lock();
        try {
          actions = protocol.onPayload(text);
        } finally {
          lock.unlock();
        }
        try {
          perform(actions);
        } catch (RuntimeException e) {
          // Thrown into the JDK it would end the connection silently; resume instead, which
          // replays whatever was not delivered.
          log.warn("discord: handling a gateway payload failed: {}", e.toString());
          endWith(
              new GatewayProtocol.Action.Reconnect(
                  true,
                  Duration.ZERO,
                  GatewayProtocol.CLOSE_KEEP_SESSION,
                  "handling a payload failed"),
              GatewayProtocol.CLOSE_KEEP_SESSION,
              "error");
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(
        WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1); // we ask for JSON text; compressed frames are never requested
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(
        WebSocket webSocket, int statusCode, String reason) {
      if (stale()) {
        return null;
      }
      GatewayProtocol.Action next;
      lock.lock();
      try {
        next = protocol.closed(statusCode, reason);
      } finally {
        lock.unlock();
      }
      end.complete(closing ? new GatewayProtocol.Action.Fail("closed") : next);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      end.complete(
          closing
              ? new GatewayProtocol.Action.Fail("closed")
              : new GatewayProtocol.Action.Reconnect(
                  protocol.canResume(),
                  Duration.ZERO,
                  GatewayProtocol.CLOSE_KEEP_SESSION,
                  "the gateway connection broke: " + error.getClass().getSimpleName()));
    }
  }
}
