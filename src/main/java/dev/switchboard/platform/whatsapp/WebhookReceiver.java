package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.ConstantTime;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import dev.switchboard.http.ConnectionLimits;
import dev.switchboard.http.HttpListener;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.http.TrustedProxies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Meta's webhook, on the same hardened listener as the gateway's own server ({@link
 * HttpServer}: connection limits, header and idle timeouts, a minimum data rate, bounded
 * bodies), in plain HTTP behind the operator's HTTPS proxy.
 *
 * <p>{@code GET} is Meta's verification request: {@code hub.mode=subscribe} with the verify token
 * (compared in constant time) is answered with {@code hub.challenge} as text, anything else 403.
 * {@code POST} is a delivery: its {@code X-Hub-Signature-256} must be the HMAC-SHA256 of the raw
 * body with the app secret, else 401 before the body is even parsed (refusals are logged at most
 * once a minute with their count); a body that is not JSON is 400. A signed delivery is answered
 * 200 only after every message in it was handed to the gateway (journaled), so anything else
 * makes Meta deliver it again, and the journal drops the repeat by its wamid.
 */
// "try": close() passes on Jetty's stop(), which declares Exception (InterruptedException too).
@SuppressWarnings("try")
final class WebhookReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  /** Where a parsed delivery goes; it returns once the gateway has taken every message. */
  @FunctionalInterface
  interface Sink {
    void take(Notification notification) throws InterruptedException;
  }

  private final HttpServer server;

  WebhookReceiver(
      WhatsAppSettings settings,
      TrustedProxies proxies,
      NotificationParser parser,
      Sink sink,
      Heartbeat heartbeat,
      Ticker ticker) {
    this.server = new HttpServer(new HttpListener(
        "whatsapp-webhook",
        settings.webhookHost(),
        settings.webhookPort(),
        "set " + WhatsAppSettings.WEBHOOK_LISTEN.where() + " to a free host:port",
        proxies,
        ConnectionLimits.DEFAULT));
    server.route(settings.webhookPath(), new Deliveries(settings, parser, sink, heartbeat, ticker));
  }

  /** Listens; the address tells the port chosen. */
  InetSocketAddress start() throws IOException {
    return server.start();
  }

  @Override
  public void close() throws Exception {
    server.close();
  }

  private static final class Deliveries extends Handler.Abstract {
    private final String path;
    private final String verifyToken;
    private final WebhookSignature signature;
    private final NotificationParser parser;
    private final Sink sink;
    private final Heartbeat heartbeat;
    private final WarningThrottle badSignature;
    private final WarningThrottle badVerification;
    private final JsonMapper json = JsonMapper.builder().build();

    Deliveries(
        WhatsAppSettings settings,
        NotificationParser parser,
        Sink sink,
        Heartbeat heartbeat,
        Ticker ticker) {
      this.path = settings.webhookPath();
      this.verifyToken = settings.verifyToken();
      this.signature = new WebhookSignature(settings.appSecret());
      this.parser = parser;
      this.sink = sink;
      this.heartbeat = heartbeat;
      this.badSignature = new WarningThrottle(WARNING_INTERVAL, ticker);
      this.badVerification = new WarningThrottle(WARNING_INTERVAL, ticker);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      heartbeat.beat();
      if (!path.equals(request.getHttpURI().getPath())) {
        JsonExchange.settleUnusedBody(request, response);
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        return true;
      }
      switch (request.getMethod()) {
        case "GET" -> verify(request, response, callback);
        case "POST" -> deliver(request, response, callback);
        default -> {
          response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
          JsonExchange.settleUnusedBody(request, response);
          JsonExchange.error(
              response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET or POST");
        }
      }
      return true;
    }

    /** Meta's check of the callback URL when the webhook is configured. */
    private void verify(Request request, Response response, Callback callback) {
      Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      String mode = query.getValue("hub.mode");
      String token = query.getValue("hub.verify_token");
      String challenge = query.getValue("hub.challenge");
      if (!"subscribe".equals(mode)
          || challenge == null
          || token == null
          || !ConstantTime.secretEquals(verifyToken, token)) {
        badVerification
            .occurred()
            .ifPresent(n -> log.warn(
                "whatsapp webhook: refused {} verification request(s) without the right verify"
                    + " token since the last such warning (at most one a minute), the latest"
                    + " from {}",
                n,
                Request.getRemoteAddr(request)));
        JsonExchange.error(response, callback, HttpStatus.FORBIDDEN_403, "verification refused");
        return;
      }
      log.info("whatsapp webhook: Meta verified the callback URL");
      byte[] body = challenge.getBytes(StandardCharsets.UTF_8);
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void deliver(Request request, Response response, Callback callback) {
      byte[] body;
      try {
        body = JsonExchange.readBody(request);
      } catch (JsonExchange.BadRequest e) {
        log.warn("whatsapp webhook: refused a delivery: {}", e.getMessage());
        JsonExchange.settleUnusedBody(request, response);
        JsonExchange.error(response, callback, e.status(), e.getMessage());
        return;
      }
      if (!signature.matches(body, request.getHeaders().get(WebhookSignature.HEADER))) {
        badSignature
            .occurred()
            .ifPresent(n -> log.warn(
                "whatsapp webhook: refused {} delivery(ies) without a valid {} since the last"
                    + " such warning (at most one a minute), the latest from {}",
                n,
                WebhookSignature.HEADER,
                Request.getRemoteAddr(request)));
        JsonExchange.error(
            response,
            callback,
            HttpStatus.UNAUTHORIZED_401,
            "missing or wrong " + WebhookSignature.HEADER);
        return;
      }
      JsonNode root;
      try {
        root = json.readTree(body);
      } catch (JacksonException e) {
        log.warn("whatsapp webhook: refused a signed delivery that is not JSON");
        JsonExchange.error(
            response, callback, HttpStatus.BAD_REQUEST_400, "the body is not valid JSON");
        return;
      }
      if (root == null || !root.isObject()) {
        JsonExchange.error(
            response, callback, HttpStatus.BAD_REQUEST_400, "the body must be a JSON object");
        return;
      }
      int status;
      try {
        sink.take(parser.parse(root));
        status = HttpStatus.OK_200;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = HttpStatus.SERVICE_UNAVAILABLE_503;
      } catch (RuntimeException e) {
        log.error(
            "whatsapp webhook: could not take a delivery; Meta will send it again: {}",
            e.toString());
        status = HttpStatus.SERVICE_UNAVAILABLE_503;
      }
      JsonExchange.empty(response, callback, status);
    }
  }
}
