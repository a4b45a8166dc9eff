package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.store.Outbox;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one message of a reply or notice through the outbox: recorded under its key before it
 * is sent and settled after, so the same key is never sent twice and a message whose outcome
 * is unknown is never sent again blindly. Also renders texts for a chat and edits messages,
 * within the platform's rate limits. What {@link Delivery} and {@link ReplyStream} share.
 */
final class PartSender {
  private static final Logger log = LoggerFactory.getLogger(PartSender.class);

  /** A message that reached its chat, and the outbox row that records it. */
  record Sent(long entryId, MessageRef message) {}

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
    Outbox.Entry entry = outbox.claim(key, chat, text, inboundKey);
    switch (entry.status()) {
      case SENT -> {
        return Optional.of(new Sent(entry.id(), new MessageRef(chat, entry.platformMessageId())));
      }
      case SENDING, UNKNOWN -> {
        log.warn("not sending {} again: an earlier attempt may have reached {}", key, chat);
        return Optional.empty();
      }
      default -> {}
    }
    outbox.markSending(entry.id(), text);
    try {
      MessageRef ref = calls.send(chat, text);
      outbox.markSent(entry.id(), ref.messageId(), text, false);
      return Optional.of(new Sent(entry.id(), ref));
    } catch (PlatformException e) {
      settleFailure(entry.id(), key, chat, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outbox.markFailed(entry.id(), "interrupted before sending");
      return Optional.empty();
    }
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

  private void settleFailure(long id, String key, ChatRef chat, PlatformException e) {
    if (e.kind() == PlatformException.Kind.UNKNOWN_OUTCOME) {
      outbox.markUnknown(id, String.valueOf(e.getMessage()));
      log.warn(
          "{} to {}: outcome unknown ({}); it will not be sent again", key, chat, e.getMessage());
    } else {
      outbox.markFailed(id, String.valueOf(e.getMessage()));
      log.warn("could not deliver {} to {}: {}", key, chat, e.getMessage());
    }
  }
}
