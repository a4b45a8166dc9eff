package dev.switchboard.platform.whatsapp;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the adapter does with the status updates Meta posts for the messages it sent: {@code
 * sent}, {@code delivered} and {@code read} are only logged at debug; {@code failed} is a
 * warning with Meta's error codes and titles (never the text), counted, and, when the failure is
 * the closed 24-hour window (131047), said and answered with the template as {@link
 * ClosedWindows} decides. Failures are counted for {@code /metrics} by Meta's code, and the
 * outbox entry, recorded as sent when Meta took it, is marked failed with Meta's errors ({@link
 * dev.switchboard.platform.PlatformContext#sendFailed}); the message is not sent again.
 */
final class FailedSends {
  private static final Logger log = LoggerFactory.getLogger(FailedSends.class);

  /** Where a failure goes: counted by Meta's error code, its outbox entry marked failed. */
  @FunctionalInterface
  interface Counter {
    void failed(String messageId, String code, String reason);
  }

  /** Sends the configured template to a wa_id; runs in the background. */
  @FunctionalInterface
  interface TemplateSender {
    void send(String waId);
  }

  private final ClosedWindows windows;
  private final TemplateSender templates;
  private final Counter counter;
  private final AtomicLong failed = new AtomicLong();

  FailedSends(ClosedWindows windows, TemplateSender templates, Counter counter) {
    this.windows = windows;
    this.templates = templates;
    this.counter = counter;
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
        status.messageId(),
        status.errors().isEmpty()
            ? "unknown"
            : Integer.toString(status.errors().getFirst().code()),
        status.errors().isEmpty() ? "failed, no reason given" : status.errors().toString());
    log.warn(
        "whatsapp: Meta could not deliver message {} to {}: {}",
        status.messageId(),
        status.recipientId(),
        status.errors().isEmpty() ? "no reason given" : status.errors());
    boolean window =
        status.errors().stream().anyMatch(e -> e.code() == GraphApiException.OUTSIDE_WINDOW);
    if (window && !status.recipientId().isEmpty() && windows.closed(status.recipientId())) {
      templates.send(status.recipientId());
    }
  }

  /** Sends Meta reported failed since the start. */
  long failedCount() {
    return failed.get();
  }
}
