package dev.switchboard.platform.signal;

import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * signal-cli's JSON-RPC 2.0 endpoint, {@code POST <url>/api/v1/rpc}: one request per call, with
 * the account in the params (a daemon started with {@code -a} ignores it; one serving several
 * accounts needs it to pick ours). The daemon answers 200 with a response object, or 201 with
 * no body for a notification, which we never send.
 */
final class SignalRpc {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  private final URI endpoint;
  private final String account;
  private final AtomicLong ids = new AtomicLong();

  SignalRpc(HttpClient http, URI base, String account) {
    this.http = http;
    this.endpoint = URI.create(base + "/api/v1/rpc");
    this.account = account;
  }

  /** Fresh params for a call, the account in them. */
  ObjectNode params() {
    return JSON.createObjectNode().put("account", account);
  }

  /**
   * Calls {@code method} and returns its result. A failure is a {@link PlatformException}: the
   * daemon not answering is transient; a call that may have reached it before the connection
   * broke is of unknown outcome when {@code sends} (it may have gone out), else transient; a
   * JSON-RPC error is classified by {@link RpcError}, whose code and message it carries as a
   * {@link Failed}.
   */
  JsonNode call(String method, ObjectNode params, Duration timeout, boolean sends)
      throws PlatformException, InterruptedException {
    ObjectNode request = JSON.createObjectNode()
        .put("jsonrpc", "2.0")
        .put("method", method)
        .put("id", Long.toString(ids.incrementAndGet()));
    request.set("params", params);
    HttpRequest post = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(post, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new PlatformException(
          "signal-cli is not answering at " + endpoint + " (" + e.getClass().getSimpleName() + ")",
          PlatformException.Kind.TRANSIENT,
          null,
          e);
    } catch (HttpTimeoutException e) {
      throw lost(method, "no answer within " + timeout.toSeconds() + " s", sends, e);
    } catch (IOException e) {
      throw lost(method, String.valueOf(e.getMessage()), sends, e);
    }
    return result(method, response.statusCode(), response.body());
  }

  private PlatformException lost(String method, String why, boolean sends, Exception cause) {
    String message = "signal-cli " + method + " at " + endpoint + ": " + why;
    return sends
        ? PlatformException.unknownOutcome(message, cause)
        : new PlatformException(message, PlatformException.Kind.TRANSIENT, null, cause);
  }

  private static JsonNode result(String method, int status, @Nullable String body)
      throws PlatformException {
    if (status >= 500) {
      throw new PlatformException(
          "signal-cli " + method + " answered HTTP " + status,
          PlatformException.Kind.TRANSIENT,
          null,
          null);
    }
    if (status != 200 || body == null || body.isBlank()) {
      // 415/405/404 mean we spoke to something that is not signal-cli's HTTP daemon; 421 means
      // it is bound to another host name than the one in our URL.
      throw new PlatformException(
          "signal-cli " + method + " answered HTTP " + status
              + (status == 421 ? " (the Host header: use the address the daemon listens on)" : ""),
          true);
    }
    JsonNode response;
    try {
      response = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new PlatformException(
          "signal-cli " + method + " answered with something that is not JSON", true, e);
    }
    JsonNode error = response.path("error");
    if (error.isObject()) {
      RpcError rpc = RpcError.of(error);
      throw new Failed(rpc, rpc.toPlatformException(method));
    }
    if (!response.has("result")) {
      throw new PlatformException(
          "signal-cli " + method + " answered with neither a result nor an error", true);
    }
    return response.path("result");
  }

  /** A JSON-RPC error from the daemon, classified; {@link #error()} has its code and data. */
  static final class Failed extends PlatformException {
    private static final long serialVersionUID = 1L;
    private final transient RpcError error;

    Failed(RpcError error, PlatformException as) {
      super(String.valueOf(as.getMessage()), as.kind(), as.retryAfter(), null, as.reason());
      this.error = error;
    }

    RpcError error() {
      return error;
    }
  }
}
