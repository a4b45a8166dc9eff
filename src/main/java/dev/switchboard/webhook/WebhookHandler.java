package dev.switchboard.webhook;

import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import dev.switchboard.http.JsonExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /webhooks/<name>}: the body is read within the limit, its signature (or token)
 * checked over the raw bytes before anything is parsed or stored, then it becomes what the
 * route says through {@link WebhookRuns}. A refused signature is logged at most once a minute
 * per route, with a count, and never with the secret or the signature.
 */
final class WebhookHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
  static final String PREFIX = "/webhooks/";
  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** Seconds a sender is asked to wait when the gateway is stopping or restarting. */
  static final String RETRY_AFTER = "30";
  /** The header GitHub names its event in. */
  static final String GITHUB_EVENT = "X-GitHub-Event";

  private final Map<String, WebhookRoute> routes = new LinkedHashMap<>();
  private final Map<String, WarningThrottle> refusals = new LinkedHashMap<>();
  private final long maxBodyBytes;
  private final WebhookRuns runs;
  private final WebhookMetrics metrics;

  WebhookHandler(
      List<WebhookRoute> routes,
      long maxBodyBytes,
      WebhookRuns runs,
      WebhookMetrics metrics,
      Ticker ticker) {
    for (WebhookRoute r : routes) {
      this.routes.put(r.name(), r);
      this.refusals.put(r.name(), new WarningThrottle(Duration.ofMinutes(1), ticker));
    }
    this.maxBodyBytes = maxBodyBytes;
    this.runs = runs;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    WebhookRoute route =
        path.startsWith(PREFIX) ? routes.get(path.substring(PREFIX.length())) : null;
    if (route == null) {
      refuse(request, response, callback, 404, "no webhook route at " + shorten(path));
      return true;
    }
    if (!request.getMethod().equals("POST")) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      refuse(request, response, callback, 405, "a webhook takes POST only");
      return true;
    }
    byte[] body;
    try {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      JsonExchange.copyBody(request, sink, maxBodyBytes);
      body = sink.toByteArray();
    } catch (JsonExchange.BadRequest e) {
      metrics.delivery(route.name(), e.status() == 413 ? "too_large" : "bad_request");
      refuse(request, response, callback, e.status(), e.getMessage());
      return true;
    } catch (IOException e) {
      metrics.delivery(route.name(), "bad_request");
      refuse(request, response, callback, 400, "the request body could not be read");
      return true;
    }
    if (!authentic(route, request, body)) {
      metrics.delivery(route.name(), "unauthorized");
      OptionalLong count = Objects.requireNonNull(refusals.get(route.name())).occurred();
      if (count.isPresent()) {
        log.info(
            "webhook {}: refused {} request(s) with a bad or missing {} since the last such"
                + " line",
            route.name(),
            count.getAsLong(),
            route.auth() == WebhookRoute.Auth.TOKEN ? route.tokenHeader() : "signature");
      }
      JsonExchange.error(response, callback, 401, "bad or missing signature");
      return true;
    }
    JsonNode payload;
    try {
      payload = parse(body);
    } catch (JsonExchange.BadRequest e) {
      metrics.delivery(route.name(), "bad_request");
      JsonExchange.error(response, callback, e.status(), e.getMessage());
      return true;
    }
    if ("ping".equals(request.getHeaders().get(GITHUB_EVENT))) {
      // GitHub's test delivery when a webhook is made or its settings saved: it proves the URL
      // and the secret, and is no event the prompt is written for.
      metrics.delivery(route.name(), "ping");
      JsonExchange.send(
          response, callback, 200, JsonExchange.json().createObjectNode().put("status", "pong"));
      return true;
    }
    String deliveryId = deliveryId(request.getHeaders().get(route.deliveryHeader()), body);
    String text = route.prompt().render(payload);
    if (text.isBlank()) {
      metrics.delivery(route.name(), "empty");
      JsonExchange.error(
          response, callback, 422, "the route's prompt filled from this payload is empty");
      return true;
    }
    WebhookRuns.Outcome outcome = route.mode() == WebhookRoute.Mode.AGENT
        ? runs.agent(route, deliveryId, text)
        : runs.direct(route, deliveryId, text);
    metrics.delivery(route.name(), label(outcome));
    answer(response, callback, deliveryId, outcome);
    return true;
  }

  private static boolean authentic(WebhookRoute route, Request request, byte[] body) {
    return switch (route.auth()) {
      case HMAC_SHA256 ->
        Signatures.hmacMatches(
            route.secret(), body, request.getHeaders().get(Signatures.HMAC_HEADER));
      case TOKEN ->
        Signatures.tokenMatches(route.secret(), request.getHeaders().get(route.tokenHeader()));
    };
  }

  private static JsonNode parse(byte[] body) throws JsonExchange.BadRequest {
    String text;
    try {
      text = StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new JsonExchange.BadRequest(400, "the body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = JsonExchange.json().readTree(text);
    } catch (JacksonException e) {
      node = null;
    }
    if (!(node instanceof ObjectNode)) {
      throw new JsonExchange.BadRequest(
          400,
          "the body must be a JSON object (on GitHub, set the webhook's content type to"
              + " application/json)");
    }
    return node;
  }

  /**
   * The delivery's id: the header's value when it is short and plain, else a hash of it; the
   * hash of the body when there is no header, so the same body posted twice is one delivery.
   */
  static String deliveryId(@Nullable String header, byte[] body) {
    if (header != null && DELIVERY_ID.matcher(header.strip()).matches()) {
      return header.strip();
    }
    byte[] source = header != null ? header.getBytes(StandardCharsets.UTF_8) : body;
    return (header != null ? "h-" : "body-") + sha256(source).substring(0, 40);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String label(WebhookRuns.Outcome outcome) {
    return switch (outcome) {
      case WebhookRuns.Accepted a -> a.messageIds().isEmpty() ? "accepted" : "sent";
      case WebhookRuns.Duplicate d -> "duplicate";
      case WebhookRuns.Unavailable u -> "unavailable";
      case WebhookRuns.Undelivered u -> "undelivered";
    };
  }

  private static void answer(
      Response response, Callback callback, String deliveryId, WebhookRuns.Outcome outcome) {
    ObjectNode body = JsonExchange.json().createObjectNode();
    switch (outcome) {
      case WebhookRuns.Accepted a -> {
        body.put("status", a.messageIds().isEmpty() ? "accepted" : "sent");
        body.put("delivery", deliveryId);
        messages(body, a.messageIds());
        JsonExchange.send(response, callback, a.messageIds().isEmpty() ? 202 : 200, body);
      }
      case WebhookRuns.Duplicate d -> {
        body.put("status", "duplicate");
        body.put("delivery", deliveryId);
        messages(body, d.messageIds());
        JsonExchange.send(response, callback, 200, body);
      }
      case WebhookRuns.Unavailable u -> {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER);
        JsonExchange.error(
            response, callback, 503, "Switchboard is stopping or restarting; try again soon");
      }
      case WebhookRuns.Undelivered u ->
        JsonExchange.error(
            response,
            callback,
            502,
            "the chat's platform took " + u.partsSent() + " part(s) of the message; the same"
                + " delivery again sends the rest");
    }
  }

  private static void messages(ObjectNode body, List<String> ids) {
    if (!ids.isEmpty()) {
      ids.forEach(body.putArray("message_ids")::add);
    }
  }

  private static void refuse(
      Request request, Response response, Callback callback, int status, String message) {
    JsonExchange.settleUnusedBody(request, response);
    JsonExchange.error(response, callback, status, message);
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "\u2026";
  }
}
