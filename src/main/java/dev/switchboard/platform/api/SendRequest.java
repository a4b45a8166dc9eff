package dev.switchboard.platform.api;

import dev.switchboard.http.JsonExchange;
import dev.switchboard.platform.ProactiveSender;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/send}: {"target": "telegram:123", "text": "...", "idempotency_key": "..."}
 * (the key may come as an {@code Idempotency-Key} header instead), sent by the gateway through
 * its outbox; answered with the messages' ids, or an error in the API's shape.
 */
final class SendRequest {
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private SendRequest() {}

  static ObjectNode handle(Request request, Optional<ProactiveSender> sender) throws ApiError {
    ObjectNode body;
    try {
      body = JsonExchange.readObject(request);
    } catch (JsonExchange.BadRequest e) {
      throw new ApiError(e.status(), "invalid_request_error", null, null, e.getMessage());
    }
    String target = string(body, "target");
    String text = string(body, "text");
    JsonNode keyField = body.path("idempotency_key");
    if (!keyField.isMissingNode() && !keyField.isString()) {
      throw ApiError.invalid("idempotency_key", "idempotency_key must be a string");
    }
    @Nullable
    String key =
        keyField.isString() ? keyField.asString() : request.getHeaders().get(IDEMPOTENCY_HEADER);
    ProactiveSender sends = sender.orElseThrow(() -> new ApiError(
        503, "server_error", null, null, "Switchboard is starting; send the request again"));
    return switch (sends.send(target, text, key)) {
      case ProactiveSender.Outcome.Sent s -> {
        ObjectNode answer = JsonExchange.json().createObjectNode();
        answer.put("object", "switchboard.send");
        answer.put("target", s.chat().toString());
        ArrayNode ids = answer.putArray("message_ids");
        s.messageIds().forEach(ids::add);
        yield answer;
      }
      case ProactiveSender.Outcome.Refused r ->
        throw new ApiError(
            r.status(),
            r.status() >= 500 ? "server_error" : "invalid_request_error",
            null,
            null,
            r.reason());
    };
  }

  private static String string(ObjectNode body, String field) throws ApiError {
    JsonNode node = body.path(field);
    if (!node.isString()) {
      throw ApiError.invalid(field, field + " is required, as a string");
    }
    return node.asString();
  }
}
