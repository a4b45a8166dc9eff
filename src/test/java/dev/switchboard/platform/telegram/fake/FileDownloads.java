package dev.switchboard.platform.telegram.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /file/bot<token>/<file_path>}: the bytes of a file getFile described, or a 404 (an
 * unknown path, or a file too big to hand out) and a 401 for another bot's token, in the Bot
 * API's error shape. Calls are logged under the method name {@link #METHOD}, and its faults
 * apply: a failure answers its status, a drop closes the connection, a truncation announces the
 * whole length and sends half.
 */
final class FileDownloads implements HttpHandler {
  static final String METHOD = "file";
  private static final String PREFIX = "/file/bot";

  private final String token;
  private final FileStore files;
  private final JsonMapper json;
  private final CallLog calls;
  private final Faults faults;

  FileDownloads(String token, FileStore files, JsonMapper json, CallLog calls, Faults faults) {
    this.token = token;
    this.files = files;
    this.json = json;
    this.calls = calls;
    this.faults = faults;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      ObjectNode params = json.createObjectNode().put("path", path);
      CallLog.Pending call = calls.arrived(METHOD, params);
      int slash = path.startsWith(PREFIX) ? path.indexOf('/', PREFIX.length()) : -1;
      if (slash < 0 || !exchange.getRequestMethod().equals("GET")) {
        error(call, exchange, 404, "Not Found");
        return;
      }
      if (!path.substring(PREFIX.length(), slash).equals(token)) {
        error(call, exchange, 401, "Unauthorized");
        return;
      }
      if (faults.takeDrop(METHOD)) {
        call.finish(0);
        return;
      }
      Optional<Faults.Failure> failure = faults.takeFailure(METHOD);
      if (failure.isPresent()) {
        error(call, exchange, failure.get().status(), failure.get().description());
        return;
      }
      Optional<FileStore.StoredFile> file = files.download(path.substring(slash + 1));
      if (file.isEmpty()) {
        error(call, exchange, 404, "Not Found");
        return;
      }
      byte[] content = file.get().content();
      boolean truncate = faults.takeTruncation(METHOD);
      call.finish(200);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
      OutputStream out = exchange.getResponseBody();
      if (truncate) {
        out.write(content, 0, content.length / 2);
        out.flush();
        // A handler that throws makes the server close the connection mid-body.
        throw new TruncatedOnPurpose();
      }
      try (out) {
        out.write(content);
      } catch (IOException e) {
        // the client went away
      }
    }
  }

  /** Ends a truncated download: the server closes a connection whose handler failed. */
  private static final class TruncatedOnPurpose extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TruncatedOnPurpose() {
      super("download truncated on purpose", null, false, false);
    }
  }

  private void error(CallLog.Pending call, HttpExchange exchange, int status, String description) {
    ObjectNode body = json.createObjectNode();
    body.put("ok", false);
    body.put("error_code", status);
    body.put("description", description);
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    call.finish(status);
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // the client went away
    }
  }
}
