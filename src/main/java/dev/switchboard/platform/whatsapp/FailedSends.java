package dev.switchboard.platform.whatsapp;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the adapter does with the status updates Meta posts for the messages it sent: {@code
 * sent}, {@code delivered} and {@code read} are only logged at debug; {@code failed} is a
 * warning with Meta's error codes and titles (never the text), counted, and, when the failure is
 * the closed 24-hour window (131047) and a template is configured, answered with that template,
 * at most once an hour per number (a reply in several parts fails several times). Failures
 * are counted for {@code /metrics} by Meta's code ({@link
 * dev.switchboard.platform.PlatformContext#sendFailed}). The outbox recorded the send as
 * delivered when Meta took it and has no way to mark it failed after the fact, so this warning
 * and the counter are where the failure shows; the message is not sent again.
 */
final class FailedSends {
  private static final Logger log = LoggerFactory.getLogger(FailedSends.class);
  static final Duration TEMPLATE_EVERY = Duration.ofHours(1);

  /** Where a failure is counted for {@code /metrics}, by Meta's error code. */
  @FunctionalInterface
  interface Counter {
    void failed(String code);
  }

  /** Sends the configured template to a wa_id; runs in the background. */
  @FunctionalInterface
  interface TemplateSender {
    void send(String waId);
  }

  private final boolean templateConfigured;
  private final TemplateSender templates;
  private final Counter counter;
  private final Supplier<Instant> clock;
  private final AtomicLong failed = new AtomicLong();
  private final Map<String, Instant> templated = new ConcurrentHashMap<>();

  FailedSends(
      boolean templateConfigured,
      TemplateSender templates,
      Counter counter,
      Supplier<Instant> clock) {
    this.templateConfigured = templateConfigured;
    this.templates = templates;
    this.counter = counter;
    this.clock = clock;
  }

  void report(Notification.Status status) {
    if (!status.failed()) {
      log.debug(
          "whatsapp: message {} to {} is {}",
          status.messageId(),
          status.recipientId(),
          status.status());
      return;
    }
    failed.incrementAndGet();
    counter.failed(
        status.errors().isEmpty()
            ? "unknown"
            : Integer.toString(status.errors().getFirst().code()));
    log.warn(
        "whatsapp: Meta could not deliver message {} to {}: {}",
        status.messageId(),
        status.recipientId(),
        status.errors().isEmpty() ? "no reason given" : status.errors());
    boolean window =
        status.errors().stream().anyMatch(e -> e.code() == GraphApiException.OUTSIDE_WINDOW);
    if (!window || status.recipientId().isEmpty()) {
      return;
    }
    if (!templateConfigured) {
      log.warn(
          "whatsapp: {} has not written for 24 hours, so WhatsApp takes only a template"
              + " message there; set {} to an approved template to reach them",
          status.recipientId(),
          WhatsAppSettings.TEMPLATE_NAME.where());
      return;
    }
    Instant now = clock.get();
    Instant last = templated.get(status.recipientId());
    if (last != null && last.plus(TEMPLATE_EVERY).isAfter(now)) {
      return;
    }
    templated.put(status.recipientId(), now);
    templates.send(status.recipientId());
  }

  /** Sends Meta reported failed since the start. */
  long failedCount() {
    return failed.get();
  }
}
