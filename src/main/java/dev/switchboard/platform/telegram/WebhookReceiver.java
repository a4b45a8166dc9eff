package dev.switchboard.platform.telegram;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook mode: Telegram posts each update to us. The secret header is compared in constant
 * time; an update is answered 200 only after the gateway took it (journaled), so anything else
 * makes Telegram deliver it again. It listens on plain HTTP behind the operator's HTTPS proxy.
 */
// "try": close() passes on Jetty's stop(), which declares Exception (InterruptedException too).
@SuppressWarnings("try")
final class WebhookReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  private static final int MAX_BODY = 1 << 20;

  private final Server server;

  WebhookReceiver(
      TelegramSettings settings, UpdateParser parser, InboundHandler inbound, Heartbeat heartbeat) {
    QueuedThreadPool pool = new QueuedThreadPool(64);
    pool.setName("telegram-webhook");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    this.server = new Server(pool);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(settings.webhookHost());
    connector.setPort(settings.webhookPort());
    connector.setIdleTimeout(30_000);
    server.addConnector(connector);
    server.setStopTimeout(2_000);
    // Webhook mode, in which TelegramSettings.from requires both.
    URI url = Objects.requireNonNull(settings.webhookUrl(), "webhookUrl");
    String path = url.getPath().isEmpty() ? "/" : url.getPath();
    byte[] secret = Objects.requireNonNull(settings.webhookSecret(), "webhookSecret")
        .getBytes(StandardCharsets.UTF_8);
    JsonMapper json = JsonMapper.builder().build();
    // Refused before it is read, not after: a body is never held in memory beyond the limit.
    SizeLimitHandler limit = new SizeLimitHandler(MAX_BODY, -1);
    server.setHandler(limit);
    limit.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        heartbeat.beat();
        if (!"POST".equals(request.getMethod())
            || !path.equals(request.getHttpURI().getPath())) {
          Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
          return true;
        }
        String given = request.getHeaders().get(SECRET_HEADER);
        if (given == null
            || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
          log.warn(
              "telegram webhook: rejected a request without the right secret from {}",
              Request.getRemoteAddr(request));
          Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
          return true;
        }
        int status;
        try {
          String body = Content.Source.asString(request, StandardCharsets.UTF_8);
          JsonNode update = json.readTree(body);
          Optional<InboundMessage> message = parser.parse(update);
          if (message.isPresent()) {
            inbound.accept(message.get());
          }
          status = HttpStatus.OK_200;
        } catch (JacksonException | IllegalArgumentException e) {
          log.warn("telegram webhook: ignoring a malformed update: {}", e.getMessage());
          status = HttpStatus.OK_200; // Telegram would only send it again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status = HttpStatus.SERVICE_UNAVAILABLE_503;
        } catch (Exception e) {
          log.error(
              "telegram webhook: could not take an update; Telegram will send it again:" + " {}",
              e.toString());
          status = HttpStatus.SERVICE_UNAVAILABLE_503;
        }
        response.setStatus(status);
        callback.succeeded();
        return true;
      }
    });
  }

  void start() throws Exception {
    server.start();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
