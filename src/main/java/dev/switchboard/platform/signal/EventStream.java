package dev.switchboard.platform.signal;

import dev.switchboard.platform.ReconnectingLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * signal-cli's incoming messages, {@code GET <url>/api/v1/events}: a server-sent event stream
 * with one {@code receive} event per envelope ({@code event:receive}, {@code data:{...}}) and a
 * {@code :} comment every 15 s to keep it open. One stream is one connection of the {@link
 * ReconnectingLoop}: it is up once the daemon answers 200, and ends when the stream does.
 *
 * <p>Nothing is acknowledged on this stream: signal-cli takes a message off Signal's servers as
 * it passes it on, and a daemon started with {@code --receive-mode=on-connection} receives only
 * while a stream is open, so messages sent while it is not wait on Signal's servers.
 */
final class EventStream implements ReconnectingLoop.Connection {
  /** What happens with each event, on the loop's thread. */
  interface Events {
    /**
     * Checked before each stream opens (the account is the daemon's); empty to go on, else how
     * the attempt ends.
     */
    Optional<ReconnectingLoop.End> preflight() throws InterruptedException;

    void receive(String data) throws InterruptedException;
  }

  private final HttpClient http;
  private final URI events;
  private final String where;
  private final Events handler;
  private volatile @Nullable InputStream open;
  private volatile boolean closed;

  EventStream(HttpClient http, URI base, String account, Events handler) {
    this.http = http;
    this.events = URI.create(
        base + "/api/v1/events?account=" + URLEncoder.encode(account, StandardCharsets.UTF_8));
    this.where = base.toString();
    this.handler = handler;
  }

  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    Optional<ReconnectingLoop.End> refused = handler.preflight();
    if (refused.isPresent()) {
      return refused.get();
    }
    HttpRequest get = HttpRequest.newBuilder(events)
        .timeout(Duration.ofSeconds(30)) // until the headers; the stream itself has no end
        .header("Accept", "text/event-stream")
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      return ReconnectingLoop.End.retry("signal-cli is not answering at " + where);
    } catch (IOException e) {
      return ReconnectingLoop.End.retry(
          "opening signal-cli's event stream at " + where + " failed: " + e.getMessage());
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 400) {
        return ReconnectingLoop.End.fatal(
            "signal-cli at " + where + " has no such account (GET /api/v1/events answered 400);"
                + " register or link it first, see docs/platforms/signal.md");
      }
      if (status != 200) {
        return ReconnectingLoop.End.retry(
            "signal-cli's event stream at " + where + " answered HTTP " + status);
      }
      open = body;
      if (closed) {
        return ReconnectingLoop.End.quietly("closed");
      }
      link.connected();
      return read(body, link);
    } catch (IOException e) {
      return ReconnectingLoop.End.retry("signal-cli's event stream broke: " + e.getMessage());
    } finally {
      open = null;
    }
  }

  /**
   * Reads events until the stream ends (WHATWG "server-sent events": lines end in LF, CR or
   * CRLF; an event's {@code data} lines are joined with LF; a blank line ends it; {@code :}
   * starts a comment, the keep-alive). An event cut off by the end is dropped, as the standard
   * says; only {@code receive} events (or untyped ones) are passed on.
   */
  private ReconnectingLoop.End read(InputStream body, ReconnectingLoop.Link link)
      throws IOException, InterruptedException {
    BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    StringBuilder data = null;
    String type = "";
    String line;
    while ((line = in.readLine()) != null) {
      link.alive();
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      if (line.isEmpty()) {
        if (data != null && (type.isEmpty() || type.equals("receive"))) {
          handler.receive(data.toString());
        }
        data = null;
        type = "";
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "event" -> type = value;
        default -> {
          // id and retry: signal-cli sends neither, and nothing here resumes by id
        }
      }
    }
    return ReconnectingLoop.End.retry("signal-cli closed its event stream");
  }

  @Override
  public void close() {
    closed = true;
    InputStream body = open;
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // the stream is being abandoned either way
      }
    }
  }
}
