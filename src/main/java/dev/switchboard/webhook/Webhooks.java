package dev.switchboard.webhook;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.http.HttpServer;
import dev.switchboard.session.SyntheticTurns;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mounts the configured webhook routes on the gateway's HTTP server. */
public final class Webhooks {
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  private Webhooks() {}

  /**
   * Serves {@code routes} at {@code /webhooks/<name>}; nothing when there are none.
   *
   * @param draining true once the gateway stops taking new turns: deliveries are then refused
   *     with 503 and Retry-After, which senders such as GitHub retry
   */
  public static void install(
      HttpServer http,
      List<WebhookRoute> routes,
      long maxBodyBytes,
      SyntheticTurns turns,
      Delivery delivery,
      BooleanSupplier draining,
      WebhookMetrics metrics,
      Ticker ticker) {
    if (routes.isEmpty()) {
      return;
    }
    WebhookHandler handler = new WebhookHandler(
        routes, maxBodyBytes, new GatewayRuns(turns, delivery, draining), metrics, ticker);
    http.route(WebhookHandler.PREFIX + "*", handler, maxBodyBytes);
    for (WebhookRoute r : routes) {
      log.info(
          "webhook {} at POST {}{} ({}, {}) to {}",
          r.name(),
          WebhookHandler.PREFIX,
          r.name(),
          r.auth().name().toLowerCase(Locale.ROOT),
          r.mode().name().toLowerCase(Locale.ROOT),
          r.target());
    }
  }
}
