package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What {@code POST /api/admin/send} (used by {@code switchboard send}) does with a request:
 * the runtime sends the message, and the files that came with it, and says what became of it.
 */
@FunctionalInterface
public interface AdminSend {
  /** The answer: an HTTP status and its JSON body. */
  record Answer(int status, JsonNode body) {}

  /** Opens a file's bytes from their start; the caller closes the stream. */
  @FunctionalInterface
  interface Bytes {
    InputStream open() throws IOException;
  }

  /**
   * A file that came with the request, readable while the request lasts.
   *
   * @param contentType as the client declared it; null when it declared none
   */
  record Upload(String fileName, @Nullable String contentType, Bytes bytes) {
    public Upload {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * Sends {@code text} and {@code files} to {@code target}.
   *
   * @param text may be blank when files came
   */
  Answer send(String target, String text, @Nullable String idempotencyKey, List<Upload> files);
}
