package dev.switchboard.delivery;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.store.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies and notices to chats. Every message goes through the outbox ({@link
 * PartSender}): recorded under a key from {@link OutboxKeys} before it is sent and settled
 * after. Texts are rendered by the platform (Telegram HTML) or split by the generic chunker,
 * and sent within the platform's rate limits, with retries; a message the platform refuses is
 * sent again smaller or plain, or the user is told why it could not go ({@link
 * RefusalFallback}).
 */
public final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final Outbound outbound;
  private final Ticker ticker;
  private final PartSender parts;
  private final RefusalFallback refusals;
  private volatile @Nullable OutgoingFiles outgoing;

  public Delivery(Outbound outbound, Outbox outbox, Ticker ticker) {
    this(outbound, outbox, ticker, Sleeper.SYSTEM, ThreadLocalRandom.current());
  }

  public Delivery(
      Outbound outbound, Outbox outbox, Ticker ticker, Sleeper sleeper, RandomGenerator random) {
    this(outbound, outbox, ticker, sleeper, random, DeliveryEvents.NONE);
  }

  /** @param events where sends, retries and 429s are reported (the gateway's metrics) */
  public Delivery(Outbound outbound, Outbox outbox, Ticker ticker, DeliveryEvents events) {
    this(outbound, outbox, ticker, Sleeper.SYSTEM, ThreadLocalRandom.current(), events);
  }

  Delivery(
      Outbound outbound,
      Outbox outbox,
      Ticker ticker,
      Sleeper sleeper,
      RandomGenerator random,
      DeliveryEvents events) {
    this.outbound = outbound;
    this.ticker = ticker;
    this.parts = new PartSender(
        outbound, outbox, new PlatformCalls(outbound, ticker, sleeper, random, events));
    this.refusals = new RefusalFallback(parts, outbound, events);
  }

  /**
   * Lets replies send files: the images and {@code MEDIA:} lines they name are made ready here
   * and sent after the text. Without it a reply is sent as the text it is.
   */
  public Delivery withFiles(OutgoingFiles files) {
    this.outgoing = files;
    return this;
  }

  /**
   * A reply to {@code message}, streamed as it is produced; a synthetic turn's (a job's) has
   * no live preview and goes out once, final.
   *
   * @param attempt which attempt at answering this message (a turn re-run after a restart is
   *     a new attempt, with its own messages)
   */
  public ReplyStream openReply(InboundMessage message, int attempt) {
    ReplyStream stream = new ReplyStream(
        parts,
        refusals,
        outbound,
        message,
        attempt,
        outbound.limits(message.chat().platform()),
        ticker,
        false,
        outgoing);
    if (message.synthetic()) {
      stream.withoutPreview();
    }
    stream.started();
    return stream;
  }

  /**
   * Delivers {@code reply}, attempt {@code attempt}'s answer to {@code message}, again after a
   * crash cut its delivery off: what reached the chat is not sent again, a message whose outcome
   * the crash made unknown is sent again (marked as resent where the platform cannot drop a
   * repeat), what was never sent is sent, and a preview left on screen is edited into the final
   * part 0. Returns false when the reply could not be delivered completely.
   */
  public boolean redeliver(InboundMessage message, int attempt, String reply) {
    ReplyStream stream = new ReplyStream(
        parts,
        refusals,
        outbound,
        message,
        attempt,
        outbound.limits(message.chat().platform()),
        ticker,
        true,
        outgoing);
    parts
        .recorded(OutboxKeys.firstReplyPart(message.dedupeKey(), attempt))
        .filter(e -> e.status() == Outbox.Status.SENT && !e.complete())
        .ifPresent(e -> stream.continuePreview(
            new PartSender.Sent(
                e.id(), new MessageRef(message.chat(), e.platformMessageId()), false),
            e.text()));
    return stream.finish(reply);
  }

  /**
   * Sends {@code file} (a reply spoken as a voice note) after attempt {@code attempt}'s reply to
   * {@code message}, once: its outbox key belongs to that attempt. Returns false when it was not
   * delivered.
   */
  public boolean sendAfterReply(InboundMessage message, int attempt, OutboundFile file) {
    String key = OutboxKeys.replyVoice(OutboxKeys.replyPrefix(message.dedupeKey(), attempt));
    return parts.sendFile(key, message.chat(), file, message.dedupeKey(), false).isPresent();
  }

  /**
   * Sends a gateway notice ("restarting", "unknown command") once per {@code key} (from {@link
   * OutboxKeys}); a null key means "no need to deduplicate". Returns false, after a warning in
   * the log, when it was not delivered; a notice is never worth failing for.
   */
  public boolean notice(ChatRef chat, String text, String key) {
    String base = key == null ? OutboxKeys.oneOff() : key;
    try {
      List<String> texts = parts.render(chat, text);
      for (int i = 0; i < texts.size(); i++) {
        if (refusals
            .send(OutboxKeys.part(base, i), chat, texts.get(i), null, false, false)
            .isEmpty()) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      log.warn("could not send a notice to {}: {}", chat, e.toString());
      return false;
    }
  }

  /** What {@link #post} sent: the messages, in order, and whether they carry all of the text. */
  public record Posted(List<MessageRef> messages, boolean complete) {
    public Posted {
      messages = List.copyOf(messages);
    }
  }

  /**
   * Sends {@code markdown} to {@code chat} under {@code key}, in as many messages as the
   * platform needs. Sent again under the same key, the messages sent the first time are
   * returned and nothing is sent twice. Stops at the first part that could not be delivered.
   */
  public Posted post(ChatRef chat, String markdown, String key) {
    List<MessageRef> sent = new ArrayList<>();
    List<String> texts = parts.render(chat, markdown);
    for (int i = 0; i < texts.size(); i++) {
      Optional<PartSender.Sent> part =
          refusals.send(OutboxKeys.part(key, i), chat, texts.get(i), null, false, false);
      if (part.isEmpty()) {
        return new Posted(sent, false);
      }
      sent.add(part.get().message());
    }
    return new Posted(sent, true);
  }

  /**
   * Sends {@code file} to {@code chat} under {@code key}, once: sent again under the same key,
   * the message sent the first time is returned. Empty when it was not delivered.
   */
  public Optional<MessageRef> postFile(ChatRef chat, OutboundFile file, String key) {
    return parts.sendFile(key, chat, file, null, false).map(PartSender.Sent::message);
  }

  /** What files {@code chat}'s platform takes. */
  public FileLimits fileLimits(ChatRef chat) {
    return parts.fileLimits(chat);
  }

  /**
   * A notice about one message (its answer, a refusal, a question, a word on its progress):
   * the platform hears what it means first, then it is sent like any notice.
   */
  public boolean noticeAbout(InboundMessage about, NoticeKind kind, String text, String key) {
    try {
      outbound.noticeAbout(about.chat(), about.messageId(), kind, text);
    } catch (RuntimeException e) {
      log.warn("the {} adapter failed to take a notice: {}", about.chat().platform(), e.toString());
    }
    return notice(about.chat(), text, key);
  }

  /**
   * Replaces the text of a message already sent (outside the outbox: used to mark a preview
   * left by a crashed process). Returns false, after a warning, when it could not.
   */
  public boolean amend(MessageRef message, String text) {
    try {
      parts.edit(message, parts.render(message.chat(), text).getFirst());
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

  /** Whether the chat's typing indicator is also its read receipt (then it must not wait). */
  public boolean typingMarksRead(ChatRef chat) {
    return outbound.typingMarksRead(chat.platform());
  }
}
