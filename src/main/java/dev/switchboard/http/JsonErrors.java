package dev.switchboard.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;

/**
 * Every error the server answers by itself, as JSON: {@code {"error": "..."}} like the web
 * chat's and admin page's own errors, or the shape a mount asked for under its paths. The
 * message is written here from the status alone: Jetty's default page would show the
 * exception that caused a 500, class name included.
 */
final class JsonErrors extends ErrorHandler {
  private static final ErrorBody PLAIN = (status, message) -> {
    var body = JsonExchange.json().createObjectNode();
    body.put("error", message);
    return body;
  };

  /** The request attribute holding the body limit (bytes) of the route a request went to. */
  static final String BODY_LIMIT = "switchboard.bodyLimit";

  private final Map<String, ErrorBody> byPrefix = new ConcurrentHashMap<>();

  void under(String pathPrefix, ErrorBody body) {
    byPrefix.put(pathPrefix, body);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
    }
    if (status < 400) {
      status = HttpStatus.INTERNAL_SERVER_ERROR_500; // an error without a status is ours
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (HttpStatus.hasNoBody(status)) {
      callback.succeeded();
      return true;
    }
    String message = status == HttpStatus.PAYLOAD_TOO_LARGE_413
            && request.getAttribute(BODY_LIMIT) instanceof Long limit
        ? tooLarge(limit)
        : message(status);
    JsonNode body = shapeFor(request).of(status, message);
    byte[] bytes =
        (JsonExchange.json().writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }

  private ErrorBody shapeFor(Request request) {
    String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
    ErrorBody shape = PLAIN;
    int matched = -1;
    if (path != null) {
      for (Map.Entry<String, ErrorBody> e : byPrefix.entrySet()) {
        if (path.startsWith(e.getKey()) && e.getKey().length() > matched) {
          shape = e.getValue();
          matched = e.getKey().length();
        }
      }
    }
    return shape;
  }

  static String tooLarge(long limit) {
    return "the request body is larger than " + limit + " bytes";
  }

  static String message(int status) {
    return switch (status) {
      case HttpStatus.BAD_REQUEST_400 -> "the request is malformed";
      case HttpStatus.NOT_FOUND_404 -> "nothing is served at this path";
      case HttpStatus.METHOD_NOT_ALLOWED_405 -> "this method is not allowed here";
      case HttpStatus.REQUEST_TIMEOUT_408 -> "the request arrived too slowly";
      case HttpStatus.PAYLOAD_TOO_LARGE_413 -> tooLarge(HttpServer.MAX_REQUEST_BYTES);
      case HttpStatus.URI_TOO_LONG_414 -> "the request's URI is too long";
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
        "the request's headers are larger than " + HttpServer.MAX_HEADER_BYTES + " bytes";
      default ->
        status >= 500
            ? "the gateway failed to answer this request; its log has the details"
            : HttpStatus.getMessage(status).toLowerCase(Locale.ROOT);
    };
  }
}
