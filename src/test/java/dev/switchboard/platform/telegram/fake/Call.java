package dev.switchboard.platform.telegram.fake;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One request the fake received.
 *
 * @param method the method name as Telegram spells it (e.g. "sendMessage")
 * @param params every parameter, from the query string and the body
 * @param httpStatus the status answered; 0 while in flight, or when the connection was dropped
 * @param uploads the files of a multipart request, in the order of its body
 */
public record Call(
    String method, JsonNode params, Instant arrivedAt, int httpStatus, List<Upload> uploads) {
  public Call {
    uploads = List.copyOf(uploads);
  }

  /** The file uploaded in field {@code field}; AssertionError when there was none. */
  public Upload upload(String field) {
    return uploads.stream()
        .filter(u -> u.field().equals(field))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no file in field " + field + " of " + this));
  }
}
