package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.store.Outbox;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one message of a reply or notice through the outbox: recorded under its key before it
 * is sent and settled after, so the same key is never sent twice and a message whose outcome
 * is unknown is never sent again blindly; one the platform refused is recorded so ({@link
 * OutboxKeys#refusal}) and never sent again. Also renders texts for a chat and edits messages,
 * within the platform's rate limits. What {@link Delivery} and {@link ReplyStream} share.
 */
final class PartSender {
  private static final Logger log = LoggerFactory.getLogger(PartSender.class);
  /** What a message sent again after a restart starts with. */
  static final String RESENT = "\u21bb Resent after a restart";

  /**
   * A message that reached its chat, and the outbox row that records it.
   *
   * @param complete whether that row is marked complete: for a reply's part 0, that the whole
   *     reply arrived ({@link #markWholeReply} has nothing left to do)
   */
  record Sent(long entryId, MessageRef message, boolean complete) {}

  private final Outbound outbound;
  private final Outbox outbox;
  private final PlatformCalls calls;

  PartSender(Outbound outbound, Outbox outbox, PlatformCalls calls) {
    this.outbound = outbound;
    this.outbox = outbox;
    this.calls = calls;
  }

  /** The texts of the messages that carry {@code markdown} to {@code chat}, in order. */
  List<String> render(ChatRef chat, String markdown) {
    List<String> rendered = outbound.render(chat.platform(), markdown);
    if (!rendered.isEmpty()) {
      return rendered;
    }
    return ReplyFormat.plainText(outbound.limits(chat.platform()).maxMessageLength())
        .messages(StyledText.plain(markdown));
  }

  /**
   * Sends one message under {@code key} unless the outbox says it was sent (then that send is
   * returned) or its outcome is unknown (then nothing is sent). Empty when not delivered.
   */
  Optional<Sent> send(String key, ChatRef chat, String text, @Nullable String inboundKey) {
    return attempt(key, chat, text, inboundKey, false, false, false).sent();
  }

  /**
   * As {@link #send(String, ChatRef, String, String)}, saying what became of it.
   *
   * @param afterRestart for a reply that a crash cut off: a message whose outcome the crash made
   *     unknown is sent again. Where the platform makes sends idempotent it goes as it was, under
   *     the same key; elsewhere it starts with {@link #RESENT}, so a user who sees it twice
   *     knows why
   * @param plain sent without its markup ({@link Outbound#sendPlain}), which is never idempotent
   * @param whole the message is a whole reply (one part, no files): the outbox marks it
   *     complete as it settles it, sparing {@link #markWholeReply}'s write
   */
  PartOutcome attempt(
      String key,
      ChatRef chat,
      String text,
      @Nullable String inboundKey,
      boolean afterRestart,
      boolean plain,
      boolean whole) {
    return through(key, chat, text, inboundKey, afterRestart, whole, again -> {
      String toSend = text;
      boolean idempotent = !plain && outbound.idempotentSends(chat.platform());
      if (again && idempotent) {
        log.info(
            "sending {} to {} again under the same key: the platform drops a repeat", key, chat);
      } else if (again) {
        log.info("sending {} to {} again, marked as resent: a restart cut it off", key, chat);
        toSend = marked(key, chat, text, inboundKey);
      }
      String chosen = toSend;
      return plain ? () -> calls.sendPlain(chat, chosen) : () -> calls.send(chat, chosen, key);
    });
  }

  /**
   * Sends a file under {@code key}, by the same rules as a message of text: recorded before it
   * is sent, never sent twice, and after a restart sent again when a crash made its outcome
   * unknown, then with the resend mark as its caption's first line where the caption has room.
   */
  Optional<Sent> sendFile(
      String key,
      ChatRef chat,
      OutboundFile file,
      @Nullable String inboundKey,
      boolean afterRestart) {
    String label = file.caption().isEmpty() ? "[" + file.fileName() + "]" : file.caption();
    return through(key, chat, label, inboundKey, afterRestart, true, again -> {
          OutboundFile toSend = file;
          if (again) {
            log.info("sending {} to {} again: a restart cut it off", key, chat);
            String marked = file.caption().isEmpty() ? RESENT : RESENT + "\n" + file.caption();
            if (marked.length() <= outbound.fileLimits(chat.platform()).maxCaptionLength()) {
              toSend = file.withCaption(marked);
            }
          }
          OutboundFile chosen = toSend;
          return () -> calls.sendFile(chat, chosen);
        })
        .sent();
  }

  /** One platform call that sends a message and returns it. */
  @FunctionalInterface
  private interface PlatformSend {
    MessageRef send() throws PlatformException, InterruptedException;
  }

  /**
   * The outbox's rules for one message, text or file: claimed under {@code key} as {@code
   * recorded}; a message already sent is returned, one the platform refused is not sent again,
   * one whose outcome is unknown is sent again only after a restart ({@code prepare} is told
   * so, to mark it), and the outcome is settled.
   *
   * @param prepare makes the call; its argument is true when an earlier try was cut off, and
   *     then it runs before the outbox says the message is being sent (it may send a mark of
   *     its own). For a new key it runs just after, so with false it must send nothing itself
   */
  private PartOutcome through(
      String key,
      ChatRef chat,
      String recorded,
      @Nullable String inboundKey,
      boolean afterRestart,
      boolean complete,
      Function<Boolean, PlatformSend> prepare) {
    Optional<Outbox.Entry> fresh = outbox.claimNewAsSending(key, chat, recorded, inboundKey);
    if (fresh.isPresent()) {
      return sendNow(fresh.get(), chat, recorded, inboundKey, complete, prepare.apply(false));
    }
    Outbox.Entry entry = outbox.claim(key, chat, recorded, inboundKey);
    boolean again = false;
    switch (entry.status()) {
      case SENT -> {
        return new PartOutcome.Delivered(new Sent(
            entry.id(), new MessageRef(chat, entry.platformMessageId()), entry.complete()));
      }
      case SENDING, UNKNOWN -> {
        if (!afterRestart) {
          log.warn("not sending {} again: an earlier attempt may have reached {}", key, chat);
          return new PartOutcome.Undelivered();
        }
        again = true;
      }
      case FAILED -> {
        Optional<Outbox.Entry> refusal = outbox.find(OutboxKeys.refusal(key));
        if (refusal.isPresent()) {
          return new PartOutcome.Refused(refusal.get().text(), false);
        }
      }
      default -> {}
    }
    PlatformSend call = prepare.apply(again);
    outbox.markSending(entry.id(), recorded);
    return sendNow(entry, chat, recorded, inboundKey, complete, call);
  }

  /** Makes the call for an entry the outbox has as being sent, and settles its outcome. */
  private PartOutcome sendNow(
      Outbox.Entry entry,
      ChatRef chat,
      String recorded,
      @Nullable String inboundKey,
      boolean complete,
      PlatformSend call) {
    try {
      MessageRef ref = call.send();
      outbox.markSent(entry.id(), ref.messageId(), recorded, complete);
      return new PartOutcome.Delivered(new Sent(entry.id(), ref, complete));
    } catch (PlatformException e) {
      return settleFailure(entry, chat, inboundKey, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outbox.markFailed(entry.id(), "interrupted before sending");
      return new PartOutcome.Undelivered();
    }
  }

  /** What files this chat's platform takes. */
  FileLimits fileLimits(ChatRef chat) {
    return outbound.fileLimits(chat.platform());
  }

  /**
   * {@code text} with the resend mark in front, or {@code text} alone after the mark was sent as
   * a message of its own, when the two would not fit in one message.
   */
  private String marked(String key, ChatRef chat, String text, @Nullable String inboundKey) {
    String marked = RESENT + "\n" + text;
    if (marked.length() <= outbound.limits(chat.platform()).maxMessageLength()) {
      return marked;
    }
    send(OutboxKeys.resendMark(key), chat, RESENT + ":", inboundKey);
    return text;
  }

  /** What the outbox holds under {@code key}, if anything. */
  Optional<Outbox.Entry> recorded(String key) {
    return outbox.find(key);
  }

  /**
   * Marks a reply's part 0 complete, now showing {@code text}: after a crash, "part 0 complete"
   * means the whole reply arrived.
   */
  void markWholeReply(Sent first, String text) {
    outbox.markSent(first.entryId(), first.message().messageId(), text, true);
  }

  void edit(MessageRef message, String text) throws PlatformException, InterruptedException {
    calls.edit(message, text);
  }

  /** An edit that is skipped rather than delayed when the rate limits say wait (previews). */
  boolean editIfAllowed(MessageRef message, String text) throws PlatformException {
    return calls.editIfAllowed(message, text);
  }

  /**
   * Records a failed send. A refusal is recorded under its own key before the message is marked
   * failed, so that no restart can find the message failed and send it again.
   */
  private PartOutcome settleFailure(
      Outbox.Entry entry, ChatRef chat, @Nullable String inboundKey, PlatformException e) {
    String key = entry.key();
    return switch (e.kind()) {
      case UNKNOWN_OUTCOME -> {
        outbox.markUnknown(entry.id(), String.valueOf(e.getMessage()));
        log.warn(
            "{} to {}: outcome unknown ({}); it will not be sent again", key, chat, e.getMessage());
        yield new PartOutcome.Undelivered();
      }
      case REFUSED -> {
        Outbox.Entry refusal = outbox.claim(OutboxKeys.refusal(key), chat, e.reason(), inboundKey);
        outbox.markFailed(refusal.id(), e.reason());
        outbox.markFailed(entry.id(), String.valueOf(e.getMessage()));
        log.warn("{} refused {} to {}: {}", chat.platform(), key, chat, e.getMessage());
        yield new PartOutcome.Refused(e.reason(), true);
      }
      default -> {
        outbox.markFailed(entry.id(), String.valueOf(e.getMessage()));
        log.warn("could not deliver {} to {}: {}", key, chat, e.getMessage());
        yield new PartOutcome.Undelivered();
      }
    };
  }
}
