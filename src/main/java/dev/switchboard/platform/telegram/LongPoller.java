package dev.switchboard.platform.telegram;

import dev.switchboard.common.Backoff;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.ReconnectingLoop;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * getUpdates, one long poll per attempt of a {@link ReconnectingLoop}. Each update is handed to
 * the gateway (which journals it) before the next getUpdates call, whose offset is what
 * confirms it to Telegram: an update is never confirmed before it is safe. The offset is also
 * saved, so a restart does not fetch confirmed updates again (and the journal drops any that
 * come back).
 *
 * <p>Failures: 409 Conflict means another process polls this token (or a webhook is set); the
 * platform is marked degraded with the remedy, and polling waits between half and all of a
 * window that starts at 5 s and doubles to 60 s, and keeps trying (Telegram also answers 409 for about 30 s after a
 * restart, while it holds the old process's poll). 401 means the token is revoked: failed, and
 * polling stops. 429 waits as told. Other failures back off with the loop's backoff; after three
 * in a row the platform is degraded. It is reported connected only after a poll has succeeded.
 */
final class LongPoller implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(LongPoller.class);
  static final String CURSOR = "offset";
  /** The first window of the poll loop's backoff, for failures other than those below. */
  static final Duration FAILURE_BACKOFF = Duration.ofSeconds(2);

  private static final Duration CONFLICT_BACKOFF = Duration.ofSeconds(5);
  /** After a 429: up to this much on top of retry_after, so told gateways do not return as one. */
  private static final Duration RATE_LIMIT_JITTER = Duration.ofSeconds(1);
  /** After the journal could not take an update: it is fetched again within this. */
  private static final Duration TAKE_RETRY = Duration.ofSeconds(4);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final int FAILURES_BEFORE_DEGRADED = 3;

  private final TelegramApi api;
  private final UpdateParser parser;
  private final InboundHandler inbound;
  private final PlatformContext context;
  private final Duration pollTimeout;
  private final Backoff conflicts;
  private final Backoff rateLimited;
  private final Backoff takeRetries;
  private long offset;
  /** Connected, and not degraded since: what a third failure in a row changes. */
  private boolean healthy;

  private int failures;

  LongPoller(
      TelegramApi api,
      UpdateParser parser,
      InboundHandler inbound,
      PlatformContext context,
      Duration pollTimeout,
      RandomGenerator random) {
    this.api = api;
    this.parser = parser;
    this.inbound = inbound;
    this.context = context;
    this.pollTimeout = pollTimeout;
    // Half the window at least: Telegram answers 409 for a while after a restart, and a wait
    // drawn near zero would only ask again to be told the same.
    this.conflicts = Backoff.equalJitter(CONFLICT_BACKOFF, MAX_BACKOFF, random);
    this.rateLimited = Backoff.fullJitter(RATE_LIMIT_JITTER, RATE_LIMIT_JITTER, random);
    this.takeRetries = Backoff.equalJitter(TAKE_RETRY, TAKE_RETRY, random);
    this.offset = context.loadCursor(CURSOR).map(Long::parseLong).orElse(0L);
  }

  /** One getUpdates, and the updates it brought handed over. On the loop's thread. */
  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    try {
      JsonNode updates = poll(offset);
      if (link.connected()) {
        log.info("telegram: polling works{}", conflicts.failures() + failures > 0 ? " again" : "");
      }
      healthy = true;
      failures = 0;
      conflicts.reset();
      long before = offset;
      offset = deliver(updates, offset);
      if (offset != before) {
        context.saveCursor(CURSOR, Long.toString(offset));
      }
      return ReconnectingLoop.End.quietly("polled");
    } catch (TelegramApiException e) {
      return failed(e);
    } catch (RuntimeException e) {
      // The journal could not take an update (disk full?): it was not confirmed, so Telegram
      // keeps it and the next poll fetches it again.
      log.error("telegram: could not take an update; it will be fetched again: {}", e.toString());
      return ReconnectingLoop.End.quietly("could not take an update").drawingFrom(takeRetries);
    }
  }

  private ReconnectingLoop.End failed(TelegramApiException e) {
    if (e.isConflict()) {
      if (healthy || conflicts.failures() == 0) {
        log.error(
            "telegram: {} Another process is polling this bot token, or a webhook"
                + " is set. Stop the other gateway (or run 'switchboard stop' there); retrying"
                + " with backoff.",
            e.getMessage());
      }
      healthy = false;
      return ReconnectingLoop.End.degraded("409 Conflict: another process polls this bot token"
              + " (or a webhook is set); retrying")
          .drawingFrom(conflicts);
    }
    if (e.errorCode() == 401 || e.errorCode() == 404) {
      return ReconnectingLoop.End.fatal(
          "bot token rejected (" + e.errorCode() + "); check TELEGRAM_BOT_TOKEN");
    }
    if (e.errorCode() == 429) {
      return ReconnectingLoop.End.quietly("rate-limited")
          .plus(e.retryAfter())
          .drawingFrom(rateLimited);
    }
    failures++;
    if (failures >= FAILURES_BEFORE_DEGRADED && healthy) {
      healthy = false;
      return ReconnectingLoop.End.degraded("getUpdates failing: " + e.getMessage());
    }
    return ReconnectingLoop.End.quietly("getUpdates failed: " + e.getMessage());
  }

  private JsonNode poll(long offset) throws TelegramApiException, InterruptedException {
    ObjectNode params = api.params();
    params.put("offset", offset);
    params.put("timeout", pollTimeout.toSeconds());
    params.putArray("allowed_updates").add("message");
    return api.call("getUpdates", params, pollTimeout.plusSeconds(15));
  }

  private long deliver(JsonNode updates, long offset) throws InterruptedException {
    long next = offset;
    for (JsonNode update : updates) {
      long id = update.path("update_id").asLong(-1);
      if (id < next) {
        continue; // confirmed before: Telegram sent it again (or no id we can confirm)
      }
      Optional<InboundMessage> message = parser.parse(update);
      if (message.isPresent()) {
        inbound.accept(message.get());
      }
      next = id + 1;
    }
    return next;
  }
}
