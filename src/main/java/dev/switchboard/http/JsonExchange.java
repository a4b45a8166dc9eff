package dev.switchboard.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reading a JSON request body and writing a JSON answer, the same way for every endpoint. */
public final class JsonExchange {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonExchange() {}

  public static JsonMapper json() {
    return JSON;
  }

  /** A request the client must change; its message is shown to the client. */
  public static final class BadRequest extends Exception {
    private final int status;
    private final String message;

    public BadRequest(int status, String message) {
      super(message, null, false, false);
      this.status = status;
      this.message = message;
    }

    /** What the client is told; unlike an exception's message in general, never null. */
    @Override
    public String getMessage() {
      return message;
    }

    public int status() {
      return status;
    }
  }

  /**
   * The body as a JSON object. Needs {@code Content-Type: application/json}, which also keeps
   * other sites' pages from posting here without a CORS preflight we never grant. The server's
   * size limit has already refused bodies over {@link HttpServer#MAX_REQUEST_BYTES}.
   */
  public static ObjectNode readObject(Request request) throws BadRequest {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new BadRequest(415, "send the body as JSON with Content-Type: application/json");
    }
    String body;
    try {
      body = Content.Source.asString(request, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new BadRequest(
          413,
          "the request body could not be read (at most " + HttpServer.MAX_REQUEST_BYTES
              + " bytes)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequest(400, "the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new BadRequest(400, "the body must be a JSON object");
    }
    return object;
  }

  public static void send(Response response, Callback callback, int status, JsonNode body) {
    byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** {@code {"error": message}}. */
  public static void error(Response response, Callback callback, int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    send(response, callback, status, body);
  }

  /** An answer without a body. */
  public static void empty(Response response, Callback callback, int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, null, callback);
  }
}
