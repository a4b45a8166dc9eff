package dev.switchboard.lifecycle;

import dev.switchboard.store.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message a platform took and later reported as not delivered (WhatsApp's {@code failed}
 * status): counted for {@code /metrics}, and its outbox entry marked failed, so the store does
 * not hold it as delivered.
 */
final class LateSendFailures implements SlotServices.SendFailures {
  private static final Logger log = LoggerFactory.getLogger(LateSendFailures.class);

  private final GatewayMetrics metrics;
  private final Outbox outbox;

  LateSendFailures(GatewayMetrics metrics, Outbox outbox) {
    this.metrics = metrics;
    this.outbox = outbox;
  }

  @Override
  public void failed(String platform, String platformMessageId, String code, String reason) {
    metrics.sendFailed(platform, code);
    if (!outbox.markUndelivered(platform, platformMessageId, reason)) {
      // Not an error: a send older than the outbox's retention, or one a person made elsewhere.
      log.debug("{}: no sent outbox entry for {}", platform, platformMessageId);
    }
  }
}
