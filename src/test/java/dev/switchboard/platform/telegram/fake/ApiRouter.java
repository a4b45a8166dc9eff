package dev.switchboard.platform.telegram.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP side: routes {@code /bot<token>/<method>} (GET or POST, method names
 * case-insensitive) to a method, records the call, applies armed faults, and writes
 * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error_code":N,"description":...}}
 * with the matching HTTP status.
 *
 * <p>Faults apply before the method runs (a dropped, malformed or failed call changes
 * nothing); a delay holds whatever answer the method produced.
 */
final class ApiRouter implements HttpHandler {
  /** What a reply cut off mid-way looks like. */
  private static final byte[] MALFORMED =
      "{\"ok\":true,\"result\":{\"message_id\":".getBytes(StandardCharsets.UTF_8);

  private final String token;
  private final Map<String, ApiMethod> methods;
  private final Map<String, String> spelling;
  private final JsonMapper json;
  private final CallLog calls;
  private final Faults faults;
  private final CountDownLatch closing;

  /** {@code methods} is keyed by the method name as Telegram spells it. */
  ApiRouter(
      String token,
      Map<String, ApiMethod> methods,
      JsonMapper json,
      CallLog calls,
      Faults faults,
      CountDownLatch closing) {
    this.token = token;
    this.methods = new HashMap<>();
    this.spelling = new HashMap<>();
    methods.forEach((name, m) -> {
      this.methods.put(name.toLowerCase(Locale.ROOT), m);
      this.spelling.put(name.toLowerCase(Locale.ROOT), name);
    });
    this.json = json;
    this.calls = calls;
    this.faults = faults;
    this.closing = closing;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int slash = path.startsWith("/bot") ? path.indexOf('/', 4) : -1;
      if (slash < 0) {
        send(exchange, error(ApiException.notFound()));
        return;
      }
      String given = path.substring(slash + 1);
      String method = spelling.getOrDefault(given.toLowerCase(Locale.ROOT), given);
      boolean authorized = path.substring(4, slash).equals(token);
      ApiRequest request;
      try {
        request = ApiRequest.parse(
            json,
            exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders().getFirst("Content-Type"),
            exchange.getRequestBody().readAllBytes());
      } catch (ApiException e) {
        CallLog.Pending call = calls.arrived(method, json.createObjectNode());
        respond(call, exchange, error(authorized ? e : ApiException.unauthorized()));
        return;
      }
      CallLog.Pending call = calls.arrived(method, request.params(), request.uploads());
      if (!authorized) {
        respond(call, exchange, error(ApiException.unauthorized()));
        return;
      }
      ApiMethod target = methods.get(method.toLowerCase(Locale.ROOT));
      if (target == null) {
        respond(call, exchange, error(ApiException.notFound()));
        return;
      }
      if (faults.takeDrop(method)) {
        call.finish(0);
        return; // closing the exchange without a response closes the connection
      }
      Reply reply = faults.takeMalformed(method)
          ? new Reply(200, MALFORMED)
          : answer(method, target, request);
      hold(faults.delay(method));
      respond(call, exchange, reply);
    }
  }

  private record Reply(int status, byte[] body) {}

  private Reply answer(String method, ApiMethod target, ApiRequest request) {
    Optional<Faults.Failure> failure = faults.takeFailure(method);
    if (failure.isPresent()) {
      Faults.Failure f = failure.get();
      return error(new ApiException(f.status(), f.description(), f.retryAfter()));
    }
    if (method.equals("getUpdates") && faults.conflictFlood()) {
      return error(ApiException.conflict(UpdateQueue.TERMINATED_BY_OTHER));
    }
    try {
      ApiResult result = target.call(request);
      ObjectNode body = json.createObjectNode();
      body.put("ok", true);
      body.set("result", result.result());
      if (result.description() != null) {
        body.put("description", result.description());
      }
      return new Reply(200, json.writeValueAsBytes(body));
    } catch (ApiException e) {
      return error(e);
    } catch (RuntimeException e) {
      return error(new ApiException(500, "Internal Server Error: fake failed: " + e, null));
    }
  }

  private Reply error(ApiException e) {
    ObjectNode body = json.createObjectNode();
    body.put("ok", false);
    body.put("error_code", e.status());
    body.put("description", e.description());
    if (e.retryAfter() != null) {
      body.putObject("parameters").put("retry_after", e.retryAfter());
    }
    return new Reply(e.status(), json.writeValueAsBytes(body));
  }

  /** Holds the answer, but no longer than until the server closes. */
  private void hold(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      closing.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Logs the status before the client can see the answer, so a test never reads 0 for it. */
  private static void respond(CallLog.Pending call, HttpExchange exchange, Reply reply) {
    call.finish(reply.status());
    send(exchange, reply);
  }

  /** Writes the reply; returns its status (also when the client has gone away). */
  private static int send(HttpExchange exchange, Reply reply) {
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), reply.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply.body());
      }
    } catch (IOException e) {
      // the client went away; the status is still what the fake answered
    }
    return reply.status();
  }
}
