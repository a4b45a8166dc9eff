package dev.switchboard.platform.telegram;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import dev.switchboard.http.ConnectionLimits;
import dev.switchboard.http.HttpListener;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook mode: Telegram posts each update to us. The listener is the same hardened server as
 * the gateway's own ({@link HttpServer}: connection limits, header and idle timeouts, a minimum
 * data rate, no Server header, JSON errors). The secret header is compared in constant time,
 * and requests without it are logged at most once a minute with their count, so a flood of
 * them cannot flood the log. An update is answered 200 only after the gateway took it
 * (journaled), so anything else makes Telegram deliver it again. It listens on plain HTTP
 * behind the operator's HTTPS proxy.
 */
// "try": close() passes on Jetty's stop(), which declares Exception (InterruptedException too).
@SuppressWarnings("try")
final class WebhookReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  private final HttpServer server;

  WebhookReceiver(
      TelegramSettings settings,
      TrustedProxies proxies,
      UpdateParser parser,
      InboundHandler inbound,
      Heartbeat heartbeat,
      Ticker ticker) {
    this.server = new HttpServer(new HttpListener(
        "telegram-webhook",
        settings.webhookHost(),
        settings.webhookPort(),
        "set " + TelegramSettings.WEBHOOK_LISTEN.where() + " to a free host:port",
        proxies,
        ConnectionLimits.DEFAULT));
    // Webhook mode, in which TelegramSettings.from requires both.
    URI url = Objects.requireNonNull(settings.webhookUrl(), "webhookUrl");
    String path = url.getPath().isEmpty() ? "/" : url.getPath();
    byte[] secret = Objects.requireNonNull(settings.webhookSecret(), "webhookSecret")
        .getBytes(StandardCharsets.UTF_8);
    server.route(path, new Updates(path, secret, parser, inbound, heartbeat, ticker));
  }

  /** Listens; the address tells the port chosen when 0 was configured. */
  InetSocketAddress start() throws IOException {
    return server.start();
  }

  @Override
  public void close() throws Exception {
    server.close();
  }

  /** {@code POST <path>} with the secret: one update. */
  private static final class Updates extends Handler.Abstract {
    private final String path;
    private final byte[] secret;
    private final UpdateParser parser;
    private final InboundHandler inbound;
    private final Heartbeat heartbeat;
    private final WarningThrottle wrongSecret;
    private final JsonMapper json = JsonMapper.builder().build();

    Updates(
        String path,
        byte[] secret,
        UpdateParser parser,
        InboundHandler inbound,
        Heartbeat heartbeat,
        Ticker ticker) {
      this.path = path;
      this.secret = secret;
      this.parser = parser;
      this.inbound = inbound;
      this.heartbeat = heartbeat;
      this.wrongSecret = new WarningThrottle(WARNING_INTERVAL, ticker);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      heartbeat.beat();
      if (!"POST".equals(request.getMethod())
          || !path.equals(request.getHttpURI().getPath())) {
        JsonExchange.settleUnusedBody(request, response);
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        return true;
      }
      String given = request.getHeaders().get(SECRET_HEADER);
      if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
        wrongSecret
            .occurred()
            .ifPresent(n -> log.warn(
                "telegram webhook: refused {} request(s) without the right secret since the"
                    + " last such warning (at most one a minute), the latest from {}",
                n,
                Request.getRemoteAddr(request)));
        JsonExchange.settleUnusedBody(request, response);
        Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
        return true;
      }
      int status;
      try {
        JsonNode update = json.readTree(JsonExchange.readBody(request));
        Optional<InboundMessage> message = parser.parse(update);
        if (message.isPresent()) {
          inbound.accept(message.get());
        }
        status = HttpStatus.OK_200;
      } catch (JsonExchange.BadRequest e) {
        log.warn("telegram webhook: refused an update: {}", e.getMessage());
        JsonExchange.lastOnConnectionIfBodyUnread(request, response);
        Response.writeError(request, response, callback, e.status());
        return true;
      } catch (JacksonException | IllegalArgumentException e) {
        log.warn("telegram webhook: ignoring a malformed update: {}", e.getMessage());
        status = HttpStatus.OK_200; // Telegram would only send it again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = HttpStatus.SERVICE_UNAVAILABLE_503;
      } catch (Exception e) {
        log.error(
            "telegram webhook: could not take an update; Telegram will send it again: {}",
            e.toString());
        status = HttpStatus.SERVICE_UNAVAILABLE_503;
      }
      response.setStatus(status);
      callback.succeeded();
      return true;
    }
  }
}
