package dev.switchboard.platform.api;

import dev.switchboard.http.JsonExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A refused request, answered in OpenAI's error shape ({@code {"error": {"message", "type",
 * "param", "code"}}}) so that clients written for OpenAI show the message and react to the
 * status (retry on 429 and 503, give up on 401 and 400).
 */
final class ApiError extends Exception {
  private final int status;
  private final String type;
  private final @Nullable String param;
  private final @Nullable String code;

  ApiError(int status, String type, @Nullable String param, @Nullable String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  static ApiError invalid(@Nullable String param, String message) {
    return new ApiError(400, "invalid_request_error", param, null, message);
  }

  /** An error the HTTP server answered by itself (a body over its limit, no such path). */
  static ObjectNode fromServer(int status, String message) {
    String type = status >= 500 ? "server_error" : "invalid_request_error";
    return new ApiError(status, type, null, null, message).body();
  }

  int status() {
    return status;
  }

  ObjectNode body() {
    ObjectNode root = JsonExchange.json().createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", getMessage());
    error.put("type", type);
    if (param == null) {
      error.putNull("param");
    } else {
      error.put("param", param);
    }
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return root;
  }
}
