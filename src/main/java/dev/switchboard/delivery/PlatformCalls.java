package dev.switchboard.delivery;

import dev.switchboard.common.Backoff;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends and edits with the platform's rate limits and retries: a 429 pauses that chat for the
 * time the platform asked plus jitter, then tries again; a transient failure (5xx, refused
 * connection) backs off exponentially with equal jitter, {@value #MAX_TRANSIENT_RETRIES} times:
 * 15.5 to 31 s in all, so that a platform down for less than 15 s (a dropped network, a restart
 * of its server) costs no reply, while a stop that drains the turns (60 s by default) is never
 * outlasted by a retry. With full jitter the waits could all be short, and a reply was given
 * up on within a few seconds of an outage of ten. A failure whose outcome is unknown is
 * never retried (the message may already be in the chat), and neither is a fatal one nor a
 * refusal (the same message would be refused again: {@link RefusalFallback} sends another).
 *
 * <p>One call at a time per chat: a notice and a reply to the same chat (a "⏳ Queued" next to a
 * streamed answer) would otherwise both be in flight when the platform answers one of them with
 * 429, and the other would reach it inside the pause; one at a time also keeps their order.
 */
final class PlatformCalls {
  private static final Logger log = LoggerFactory.getLogger(PlatformCalls.class);
  static final int MAX_TRANSIENT_RETRIES = 5;
  static final int MAX_RATE_LIMITED_RETRIES = 30;
  /** The window of the first retry's wait; it doubles with each retry, up to the cap. */
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  @FunctionalInterface
  private interface Call<T extends @Nullable Object> {
    T run() throws PlatformException;
  }

  private final Outbound outbound;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final ConcurrentHashMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  /** Chats with a call in flight or waiting; an entry lives while someone uses it. */
  private final ConcurrentHashMap<String, ChatTurn> inFlight = new ConcurrentHashMap<>();

  /** The right to call the platform for one chat, and how many want it. */
  private static final class ChatTurn {
    final ReentrantLock lock = new ReentrantLock();
    int users; // changed only inside ConcurrentHashMap.compute for its key
  }

  private final DeliveryEvents events;

  PlatformCalls(Outbound outbound, Ticker ticker, Sleeper sleeper, RandomGenerator random) {
    this(outbound, ticker, sleeper, random, DeliveryEvents.NONE);
  }

  PlatformCalls(
      Outbound outbound,
      Ticker ticker,
      Sleeper sleeper,
      RandomGenerator random,
      DeliveryEvents events) {
    this.events = events;
    this.outbound = outbound;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** @param key the outbox key, which a platform with idempotent sends uses as such */
  MessageRef send(ChatRef chat, String text, String key)
      throws PlatformException, InterruptedException {
    MessageRef sent = withRetries(chat, () -> outbound.send(chat, text, key), false);
    events.sent(chat.platform());
    return sent;
  }

  /** A message without its markup ({@link Outbound#sendPlain}), as {@link #send} sends one. */
  MessageRef sendPlain(ChatRef chat, String text) throws PlatformException, InterruptedException {
    MessageRef sent = withRetries(chat, () -> outbound.sendPlain(chat, text), false);
    events.sent(chat.platform());
    return sent;
  }

  /** A file, within the same limits and retries as a message of text. */
  MessageRef sendFile(ChatRef chat, OutboundFile file)
      throws PlatformException, InterruptedException {
    MessageRef sent = withRetries(chat, () -> outbound.sendFile(chat, file), false);
    events.sent(chat.platform());
    return sent;
  }

  /** An edit whose outcome is unknown is made again: the same edit twice shows the same text. */
  void edit(MessageRef message, String text) throws PlatformException, InterruptedException {
    withRetries(
        message.chat(),
        () -> {
          outbound.edit(message, text);
          return null;
        },
        true);
  }

  /** An edit that is skipped rather than delayed when the chat has no token (previews). */
  boolean editIfAllowed(MessageRef message, String text) throws PlatformException {
    String key = message.chat().platform() + ":" + chatKey(message.chat());
    ChatTurn turn = join(key);
    try {
      if (!turn.lock.tryLock()) {
        return false; // another call to this chat is in flight
      }
      try {
        if (!limiter(message.chat()).tryAcquire(chatKey(message.chat()))) {
          return false;
        }
        outbound.edit(message, text);
        return true;
      } catch (PlatformException e) {
        honourRateLimit(message.chat(), e);
        throw e;
      } finally {
        turn.lock.unlock();
      }
    } finally {
      leave(key);
    }
  }

  private ChatTurn join(String key) {
    return inFlight.compute(key, (k, t) -> {
      ChatTurn v = t == null ? new ChatTurn() : t;
      v.users++;
      return v;
    });
  }

  private void leave(String key) {
    inFlight.computeIfPresent(key, (k, t) -> --t.users == 0 ? null : t);
  }

  /** @param idempotent the call may be made again when its outcome is unknown */
  private <T extends @Nullable Object> T withRetries(ChatRef chat, Call<T> call, boolean idempotent)
      throws PlatformException, InterruptedException {
    String key = chat.platform() + ":" + chatKey(chat);
    ChatTurn turn = join(key);
    try {
      turn.lock.lockInterruptibly();
      try {
        return callWithRetries(chat, call, idempotent);
      } finally {
        turn.lock.unlock();
      }
    } finally {
      leave(key);
    }
  }

  private <T extends @Nullable Object> T callWithRetries(
      ChatRef chat, Call<T> call, boolean idempotent)
      throws PlatformException, InterruptedException {
    Backoff backoff = Backoff.equalJitter(FIRST_BACKOFF, MAX_BACKOFF, random);
    int rateLimited = 0;
    while (true) {
      limiter(chat).acquire(chatKey(chat));
      try {
        return call.run();
      } catch (PlatformException e) {
        switch (e.kind()) {
          case RATE_LIMITED -> {
            if (++rateLimited > MAX_RATE_LIMITED_RETRIES) {
              throw new PlatformException(
                  "still rate-limited after " + MAX_RATE_LIMITED_RETRIES + " waits: "
                      + e.getMessage(),
                  PlatformException.Kind.TRANSIENT,
                  null,
                  e);
            }
            honourRateLimit(chat, e);
          }
          case TRANSIENT, UNKNOWN_OUTCOME -> {
            if (e.kind() == PlatformException.Kind.UNKNOWN_OUTCOME && !idempotent) {
              throw e; // the message may be in the chat already: never sent twice blindly
            }
            if (backoff.failures() >= MAX_TRANSIENT_RETRIES) {
              throw e;
            }
            events.retried(chat.platform());
            Duration wait = backoff.next();
            log.info("{} failed ({}); retrying in {} ms", chat, e.getMessage(), wait.toMillis());
            sleeper.sleep(wait);
          }
          default -> throw e;
        }
      }
    }
  }

  private void honourRateLimit(ChatRef chat, PlatformException e) {
    if (e.kind() != PlatformException.Kind.RATE_LIMITED) {
      return;
    }
    // Up to 20% extra so many chats told "retry after 3" do not all come back at once.
    Duration wait = e.retryAfter()
        .plusMillis((long) (e.retryAfter().toMillis() * 0.2 * random.nextDouble()) + 1);
    events.rateLimited(chat.platform());
    log.info("{} rate-limited by the platform; waiting {} ms", chat, wait.toMillis());
    limiter(chat).pause(chatKey(chat), wait);
  }

  private RateLimiter limiter(ChatRef chat) {
    return limiters.computeIfAbsent(
        chat.platform(), p -> new RateLimiter(outbound.limits(p), ticker, sleeper));
  }

  private static String chatKey(ChatRef chat) {
    return chat.chatId();
  }
}
