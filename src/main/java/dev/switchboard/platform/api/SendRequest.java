package dev.switchboard.platform.api;

import dev.switchboard.http.JsonExchange;
import dev.switchboard.platform.ProactiveSender;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/send}: {"target": "telegram:123", "text": "...", "idempotency_key": "...",
 * "files": [{"filename": "a.pdf", "file_data": "data:application/pdf;base64,..."}]} (the key
 * may come as an {@code Idempotency-Key} header instead; text and files are each optional, not
 * both; a file is in the shape of OpenAI's file content part), sent by the gateway through its
 * outbox; answered with the messages' ids, or an error in the API's shape. The body is kept in
 * the request's spool, so its files are never whole strings in memory.
 */
final class SendRequest {
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private SendRequest() {}

  static ObjectNode handle(Request request, Optional<ProactiveSender> sender, RequestSpool spool)
      throws ApiError, IOException {
    if (!JsonExchange.isJson(request)) {
      throw new ApiError(
          415,
          "invalid_request_error",
          null,
          null,
          "send the body as JSON with Content-Type: application/json");
    }
    ProactiveSender sends = sender.orElseThrow(() -> new ApiError(
        503, "server_error", null, null, "Switchboard is starting; send the request again"));
    ObjectNode body = RequestBodyReader.read(spool.body(request));
    String text = body.has("files") && !body.has("text") ? "" : string(body, "text");
    String target = string(body, "target");
    JsonNode keyField = body.path("idempotency_key");
    if (!keyField.isMissingNode() && !keyField.isString()) {
      throw ApiError.invalid("idempotency_key", "idempotency_key must be a string");
    }
    @Nullable
    String key =
        keyField.isString() ? keyField.asString() : request.getHeaders().get(IDEMPOTENCY_HEADER);
    return switch (sends.send(target, text, files(body.path("files")), key)) {
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

  /** {@code files}: each checked as base64 within the API's file limit, decoded when sent. */
  private static List<ProactiveSender.Upload> files(JsonNode files) throws ApiError {
    if (files.isMissingNode() || files.isNull()) {
      return List.of();
    }
    if (!files.isArray()) {
      throw ApiError.invalid(
          "files", "files must be an array of {\"filename\": ..., \"file_data\": ...}");
    }
    if (files.size() > ProactiveSender.MAX_FILES) {
      throw ApiError.invalid(
          "files",
          "at most " + ProactiveSender.MAX_FILES + " files go in one send, not " + files.size());
    }
    List<ProactiveSender.Upload> uploads = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      FilePart.Inline file = ContentParts.sentFile(files.get(i), "files[" + i + "]");
      String name = file.fileName() != null ? file.fileName() : "file";
      uploads.add(
          new ProactiveSender.Upload(name, file.mimeType(), () -> Base64Data.open(file.data())));
    }
    return uploads;
  }

  private static String string(ObjectNode body, String field) throws ApiError {
    JsonNode node = body.path(field);
    if (!node.isString()) {
      throw ApiError.invalid(field, field + " is required, as a string");
    }
    return node.asString();
  }
}
