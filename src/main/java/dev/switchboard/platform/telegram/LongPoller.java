package dev.switchboard.platform.telegram;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformState;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The getUpdates loop. Each update is handed to the gateway (which journals it) before the
 * next getUpdates call, whose offset is what confirms it to Telegram: an update is never
 * confirmed before it is safe. The offset is also saved, so a restart does not fetch confirmed
 * updates again (and the journal drops any that come back).
 *
 * <p>Failures: 409 Conflict means another process polls this token (or a webhook is set); the
 * platform is marked degraded with the remedy, and polling backs off with jitter from 5 s to 60
 * s and keeps trying (Telegram also answers 409 for about 30 s after a restart, while it holds
 * the old process's poll). 401 means the token is revoked: failed, and polling stops. 429 waits
 * as told. Other failures back off with jitter; after three in a row the platform is degraded.
 * It is reported connected only after a poll has succeeded.
 */
final class LongPoller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LongPoller.class);
  static final String CURSOR = "offset";
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration CONFLICT_BACKOFF = Duration.ofSeconds(5);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final int FAILURES_BEFORE_DEGRADED = 3;

  private final TelegramApi api;
  private final UpdateParser parser;
  private final InboundHandler inbound;
  private final PlatformContext context;
  private final Heartbeat heartbeat;
  private final Duration pollTimeout;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private volatile boolean stopped;
  private volatile Thread thread;

  LongPoller(TelegramApi api, UpdateParser parser, InboundHandler inbound,
      PlatformContext context, Heartbeat heartbeat, Duration pollTimeout, Sleeper sleeper,
      RandomGenerator random) {
    this.api = api;
    this.parser = parser;
    this.inbound = inbound;
    this.context = context;
    this.heartbeat = heartbeat;
    this.pollTimeout = pollTimeout;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** Ends the loop: the in-flight poll is cancelled. */
  void stop() {
    stopped = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    long offset = context.loadCursor(CURSOR).map(Long::parseLong).orElse(0L);
    boolean healthy = false; // connected only once a poll has succeeded
    int failures = 0;
    int conflicts = 0;
    try {
      while (!stopped && !Thread.currentThread().isInterrupted()) {
        heartbeat.beat();
        try {
          JsonNode updates = poll(offset);
          if (!healthy) {
            log.info("telegram: polling works{}", conflicts + failures > 0 ? " again" : "");
            context.reportState(PlatformState.CONNECTED, null);
            healthy = true;
          }
          failures = 0;
          conflicts = 0;
          long before = offset;
          offset = deliver(updates, offset);
          if (offset != before) {
            context.saveCursor(CURSOR, Long.toString(offset));
          }
        } catch (TelegramApiException e) {
          if (e.isConflict()) {
            conflicts++;
            if (healthy || conflicts == 1) {
              log.error("telegram: {} Another process is polling this bot token, or a webhook"
                  + " is set. Stop the other gateway (or run 'switchboard stop' there); retrying"
                  + " with backoff.", e.getMessage());
            }
            healthy = false;
            context.reportState(PlatformState.DEGRADED, "409 Conflict: another process polls"
                + " this bot token (or a webhook is set); retrying");
            sleeper.sleep(jittered(CONFLICT_BACKOFF.multipliedBy(1L << Math.min(conflicts - 1,
                4))));
          } else if (e.errorCode() == 401 || e.errorCode() == 404) {
            log.error("telegram: the bot token was rejected ({}); polling stopped. Check"
                + " TELEGRAM_BOT_TOKEN and restart.", e.getMessage());
            context.reportState(PlatformState.FAILED, "bot token rejected (" + e.errorCode()
                + "); check TELEGRAM_BOT_TOKEN");
            return;
          } else if (e.errorCode() == 429) {
            sleeper.sleep(e.retryAfter().plus(jittered(MIN_BACKOFF)));
          } else {
            failures++;
            if (failures >= FAILURES_BEFORE_DEGRADED && healthy) {
              healthy = false;
              log.warn("telegram: getUpdates keeps failing: {}", e.getMessage());
              context.reportState(PlatformState.DEGRADED, "getUpdates failing: "
                  + e.getMessage());
            }
            sleeper.sleep(jittered(MIN_BACKOFF.multipliedBy(1L << Math.min(failures, 6))));
          }
        } catch (RuntimeException e) {
          // The journal could not take an update (disk full?): it was not confirmed, so
          // Telegram keeps it and the next poll fetches it again.
          log.error("telegram: could not take an update; it will be fetched again: {}",
              e.toString());
          sleeper.sleep(jittered(MIN_BACKOFF.multipliedBy(4)));
        }
      }
    } catch (InterruptedException e) {
      // stopping
    } finally {
      heartbeat.retire();
    }
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
      long id = update.path("update_id").asLong();
      if (id < next) {
        continue; // confirmed before: Telegram sent it again
      }
      Optional<InboundMessage> message = parser.parse(update);
      if (message.isPresent()) {
        inbound.accept(message.get());
      }
      next = id + 1;
    }
    return next;
  }

  // Full range 0.8x..1.2x: many gateways told the same thing do not retry in lockstep.
  private Duration jittered(Duration d) {
    long ms = Math.min(d.toMillis(), MAX_BACKOFF.toMillis());
    return Duration.ofMillis((long) (ms * (0.8 + 0.4 * random.nextDouble())));
  }
}
