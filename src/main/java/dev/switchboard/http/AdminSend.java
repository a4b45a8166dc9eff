package dev.switchboard.http;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What {@code POST /api/admin/send} (used by {@code switchboard send}) does with a request:
 * the runtime sends the message and says what became of it.
 */
@FunctionalInterface
public interface AdminSend {
  /** The answer: an HTTP status and its JSON body. */
  record Answer(int status, JsonNode body) {}

  Answer send(String target, String text, @Nullable String idempotencyKey);
}
