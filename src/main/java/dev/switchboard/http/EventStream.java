package dev.switchboard.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.jspecify.annotations.Nullable;

/**
 * A server-sent event stream (text/event-stream) written from the request's own virtual thread.
 * Each write waits for the client, at most {@link #WRITE_TIMEOUT_SECONDS}: a client that stops
 * reading ends its stream instead of holding a thread and a buffer forever.
 */
public final class EventStream implements AutoCloseable {
  static final long WRITE_TIMEOUT_SECONDS = 10;
  /** A comment this often keeps proxies and the server's idle timeout from closing the stream. */
  public static final long KEEPALIVE_SECONDS = 15;

  private final Response response;
  private final Callback done;
  private boolean closed;

  private EventStream(Response response, Callback done) {
    this.response = response;
    this.done = done;
  }

  /** Sends the headers; {@code done} is completed when the stream is closed. */
  public static EventStream open(Response response, Callback done) throws IOException {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
    EventStream stream = new EventStream(response, done);
    stream.write("");
    return stream;
  }

  /** One event; {@code event} null for an unnamed ("message") event. */
  public void event(@Nullable String event, String data) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (event != null) {
      sb.append("event: ").append(event).append('\n');
    }
    for (String line : data.split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    write(sb.append('\n').toString());
  }

  /** How long a browser waits before reconnecting after the stream breaks. */
  public void retry(long millis) throws IOException {
    write("retry: " + millis + "\n\n");
  }

  public void keepalive() throws IOException {
    write(": keepalive\n\n");
  }

  private void write(String text) throws IOException {
    FutureCallback written = new FutureCallback();
    response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
    try {
      written.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing an event");
    } catch (ExecutionException e) {
      throw new IOException("the client went away: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the client did not read for " + WRITE_TIMEOUT_SECONDS + " s");
    }
  }

  /** Ends the response; safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    response.write(true, null, done);
  }

  /** Ends the response after a failed write, which leaves nothing worth finishing. */
  public void abort(Throwable why) {
    if (closed) {
      return;
    }
    closed = true;
    done.failed(why);
  }
}
