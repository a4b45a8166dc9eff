package dev.switchboard.agent.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads server-sent events from a response body as it arrives, one event at a time.
 *
 * <p>Written by hand because the JDK has no SSE client, and the OpenAI SDK for Java (the one
 * library that would parse this stream for us) would also own the HTTP calls, retries and
 * timeouts, which we need to control ourselves: abort on /stop, no retry once text was shown,
 * an idle timeout between chunks. The format is small (WHATWG HTML, "Server-sent events"):
 * lines end in LF, CR or CRLF; {@code data:} lines of one event are joined with LF; a blank line
 * ends the event; lines starting with {@code :} are comments (keep-alives); other fields
 * ({@code event}, {@code id}, {@code retry}) are not used by Chat Completions and are skipped;
 * an event cut off by the end of the stream is dropped, as the standard says.
 */
final class SseReader {
  private final BufferedReader in;
  private final Runnable onLine;

  /**
   * @param onLine called for every line read, comments included, so a keep-alive counts as
   *     activity for the idle timeout
   */
  SseReader(InputStream body, Runnable onLine) {
    // BufferedReader returns each line as soon as its end arrives; it does not wait to fill.
    this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    this.onLine = onLine;
  }

  /** The data of the next event that has any, or null at the end of the stream. */
  @Nullable
  String next() throws IOException {
    StringBuilder data = null;
    String line;
    while ((line = in.readLine()) != null) {
      onLine.run();
      if (line.isEmpty()) {
        if (data != null) {
          return data.toString();
        }
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
      if (field.equals("data")) {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
    }
    return null;
  }
}
