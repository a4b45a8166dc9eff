package dev.switchboard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a server-sent event stream the way a browser's EventSource does (event name, data
 * lines joined by newlines, comments skipped), on a virtual thread, into a queue.
 */
public final class SseClient implements AutoCloseable {
  /** One event; {@code name} is "message" when the stream gave none. */
  public record Event(String name, String data) {}

  /** Put in the queue when the stream ends. */
  public static final Event END = new Event("(end)", "");

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final HttpResponse<InputStream> response;
  private final Thread reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().name("sse-client").start(this::read);
  }

  /** Opens the stream; fails unless the server answers 200 with text/event-stream. */
  public static SseClient open(HttpClient client, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> r = client.send(
        request.header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new IOException("HTTP " + r.statusCode() + ": " + body);
    }
    return new SseClient(r);
  }

  public static SseClient open(HttpClient client, URI uri, String cookie)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return open(client, b);
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(name == null ? "message" : name, data.toString()));
          }
          name = null;
          data = null;
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          String part = line.substring(5);
          part = part.startsWith(" ") ? part.substring(1) : part;
          data = data == null ? new StringBuilder(part) : data.append('\n').append(part);
        }
      }
    } catch (IOException e) {
      // closed by the test or the server
    } finally {
      events.add(END);
    }
  }

  /** The next event, or fails after {@code seconds}. */
  public Event next(long seconds) throws InterruptedException {
    Event e = events.poll(seconds, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + seconds + " s");
    }
    return e;
  }

  /** The next event named {@code name}, skipping others. */
  public Event next(String name, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        throw new AssertionError("no '" + name + "' event within " + seconds + " s");
      }
      if (e.name().equals(name) || e == END) {
        return e;
      }
    }
  }

  @Override
  public void close() throws IOException {
    reader.interrupt();
    response.body().close();
  }
}
