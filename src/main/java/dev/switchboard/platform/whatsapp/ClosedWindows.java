package dev.switchboard.platform.whatsapp;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chats whose 24-hour customer service window WhatsApp reported closed (131047, at once or in
 * a failed status). Each is said once an hour at most: a reply in several parts fails several
 * times, and neither the log, the operator nor the user should hear of it for every part. The
 * first report in an hour is logged, told to the operator (the home channels), and tells the
 * caller to send the configured template, if there is one.
 */
final class ClosedWindows {
  private static final Logger log = LoggerFactory.getLogger(ClosedWindows.class);
  static final Duration EVERY = Duration.ofHours(1);

  private final @Nullable String template;
  private final Consumer<String> operator;
  private final Supplier<Instant> clock;
  private final Map<String, Instant> said = new ConcurrentHashMap<>();

  /**
   * @param template the approved template sent instead; null when none is set
   * @param operator where the notice for the operator goes
   */
  ClosedWindows(@Nullable String template, Consumer<String> operator, Supplier<Instant> clock) {
    this.template = template;
    this.operator = operator;
    this.clock = clock;
  }

  /**
   * The window of {@code chatId} is closed; true when the template should go to it now (one is
   * set, and none went in the last hour).
   */
  boolean closed(String chatId) {
    Instant now = clock.get();
    AtomicBoolean first = new AtomicBoolean();
    said.compute(chatId, (k, last) -> {
      if (last != null && last.plus(EVERY).isAfter(now)) {
        return last;
      }
      first.set(true);
      return now;
    });
    if (!first.get()) {
      return false;
    }
    String text = chatId + " has not written for 24 hours, so WhatsApp takes only a template"
        + " message there; "
        + (template == null
            ? "set " + WhatsAppSettings.TEMPLATE_NAME.where() + " to an approved template to"
                + " reach them"
            : "sending the template '" + template + "' instead");
    log.warn("whatsapp: {} (131047)", text);
    operator.accept(text);
    return template != null;
  }
}
