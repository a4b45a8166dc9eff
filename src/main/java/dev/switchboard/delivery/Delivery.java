package dev.switchboard.delivery;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.store.Outbox;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies and notices to chats. Every message goes through the outbox: recorded under an
 * idempotency key before it is sent and settled after, so the same key is never sent twice and
 * a message whose outcome is unknown is never sent again blindly. Texts are rendered by the
 * platform (Telegram HTML) or split by the generic chunker, and sent within the platform's
 * rate limits, with retries.
 */
public final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final Outbound outbound;
  private final Outbox outbox;
  private final Ticker ticker;
  private final PlatformCalls calls;

  public Delivery(Outbound outbound, Outbox outbox, Ticker ticker) {
    this(outbound, outbox, ticker, Sleeper.SYSTEM, ThreadLocalRandom.current());
  }

  public Delivery(Outbound outbound, Outbox outbox, Ticker ticker, Sleeper sleeper,
      RandomGenerator random) {
    this(outbound, outbox, ticker, sleeper, random, DeliveryEvents.NONE);
  }

  /** @param events where sends, retries and 429s are reported (the gateway's metrics) */
  public Delivery(Outbound outbound, Outbox outbox, Ticker ticker, DeliveryEvents events) {
    this(outbound, outbox, ticker, Sleeper.SYSTEM, ThreadLocalRandom.current(), events);
  }

  Delivery(Outbound outbound, Outbox outbox, Ticker ticker, Sleeper sleeper,
      RandomGenerator random, DeliveryEvents events) {
    this.outbound = outbound;
    this.outbox = outbox;
    this.ticker = ticker;
    this.calls = new PlatformCalls(outbound, ticker, sleeper, random, events);
  }

  /**
   * A reply to {@code message}, streamed as it is produced.
   *
   * @param attempt which attempt at answering this message (a turn re-run after a restart is
   *     a new attempt, with its own messages)
   */
  public ReplyStream openReply(InboundMessage message, int attempt) {
    ReplyStream stream = new ReplyStream(this, message.chat(), message.dedupeKey(),
        message.messageId(), message.dedupeKey() + ":reply:" + attempt + ":",
        outbound.limits(message.chat().platform()), ticker);
    stream.started();
    return stream;
  }

  /** The outbox key prefix of attempt {@code attempt} at answering {@code inboundKey}. */
  public static String replyKeyPrefix(String inboundKey, int attempt) {
    return inboundKey + ":reply:" + attempt + ":";
  }

  /**
   * Sends a gateway notice ("restarting", "unknown command") once per {@code key}; a null key
   * means "no need to deduplicate". Returns false, after a warning in the log, when it was not
   * delivered; a notice is never worth failing for.
   */
  public boolean notice(ChatRef chat, String text, String key) {
    String base = key == null ? "notice:" + UUID.randomUUID() : key;
    try {
      List<String> parts = render(chat, text);
      for (int i = 0; i < parts.size(); i++) {
        if (deliverPart(base + ":" + i, chat, parts.get(i), null).isEmpty()) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      log.warn("could not send a notice to {}: {}", chat, e.toString());
      return false;
    }
  }

  /**
   * A notice about one message (its answer, a refusal, a question, a word on its progress):
   * the platform hears what it means first, then it is sent like any notice.
   */
  public boolean noticeAbout(InboundMessage about, NoticeKind kind, String text, String key) {
    try {
      outbound.noticeAbout(about.chat(), about.messageId(), kind, text);
    } catch (RuntimeException e) {
      log.warn("the {} adapter failed to take a notice: {}", about.chat().platform(),
          e.toString());
    }
    return notice(about.chat(), text, key);
  }

  /**
   * Replaces the text of a message already sent (outside the outbox: used to mark a preview
   * left by a crashed process). Returns false, after a warning, when it could not.
   */
  public boolean amend(MessageRef message, String text) {
    try {
      calls.edit(message, render(message.chat(), text).getFirst());
      return true;
    } catch (PlatformException | RuntimeException e) {
      log.warn("could not amend a message in {}: {}", message.chat(), e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Shows "typing" in the chat; failures are only logged at debug. */
  public void typing(ChatRef chat) {
    try {
      outbound.typing(chat);
    } catch (PlatformException | RuntimeException e) {
      log.debug("typing indicator for {} failed: {}", chat, e.getMessage());
    }
  }

  List<String> render(ChatRef chat, String text) {
    List<String> rendered = outbound.render(chat.platform(), text);
    if (!rendered.isEmpty()) {
      return rendered;
    }
    return ReplyFormat.plainText(outbound.limits(chat.platform()).maxMessageLength())
        .messages(StyledText.plain(text));
  }

  /**
   * Sends one message under {@code key} unless the outbox says it was sent (then its reference
   * is returned) or its outcome is unknown (then nothing is sent). Empty when not delivered.
   */
  Optional<MessageRef> deliverPart(String key, ChatRef chat, String text, String inboundKey) {
    Outbox.Entry entry = outbox.claim(key, chat, text, inboundKey);
    switch (entry.status()) {
      case SENT -> {
        return Optional.of(new MessageRef(chat, entry.platformMessageId()));
      }
      case SENDING, UNKNOWN -> {
        log.warn("not sending {} again: an earlier attempt may have reached {}", key, chat);
        return Optional.empty();
      }
      default -> { }
    }
    outbox.markSending(entry.id(), text);
    try {
      MessageRef ref = calls.send(chat, text);
      outbox.markSent(entry.id(), ref.messageId(), text, false);
      return Optional.of(ref);
    } catch (PlatformException e) {
      settleFailure(entry.id(), key, chat, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outbox.markFailed(entry.id(), "interrupted before sending");
      return Optional.empty();
    }
  }

  void settleFailure(long id, String key, ChatRef chat, PlatformException e) {
    if (e.kind() == PlatformException.Kind.UNKNOWN_OUTCOME) {
      outbox.markUnknown(id, e.getMessage());
      log.warn("{} to {}: outcome unknown ({}); it will not be sent again", key, chat,
          e.getMessage());
    } else {
      outbox.markFailed(id, e.getMessage());
      log.warn("could not deliver {} to {}: {}", key, chat, e.getMessage());
    }
  }

  Outbox outbox() {
    return outbox;
  }

  Outbound outbound() {
    return outbound;
  }

  PlatformCalls calls() {
    return calls;
  }
}
