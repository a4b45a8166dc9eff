package dev.switchboard.delivery;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.store.Outbox;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reply being streamed into a chat. Text arrives in pieces; on platforms that can edit, the
 * reply appears as one message that is edited as it grows, at most once per {@code
 * minEditInterval} and only when the rate limits allow (a preview is skipped, never queued);
 * the first message is sent only after that interval, so a quick reply is a single send.
 *
 * <p>{@link #finish} delivers the final text, split into several messages when needed, through
 * the outbox (keys {@code <prefix><part>}). With a preview on screen, the later parts go out
 * first and the preview is edited into part 0 last; either way part 0 is marked complete only
 * when every part is out, so after a crash "part 0 complete" means "the whole reply arrived".
 *
 * <p>A backend may append from any thread; the methods are serialized by one lock. Pieces that
 * arrive after {@link #finish} are dropped: the final text must stay final.
 */
public final class ReplyStream {
  private static final Logger log = LoggerFactory.getLogger(ReplyStream.class);
  static final String TYPING_MARK = " \u2026";

  private final Delivery delivery;
  private final ChatRef chat;
  private final String inboundKey;
  private final String inReplyTo;
  private final String keyPrefix;
  private final PlatformLimits limits;
  private final Ticker ticker;
  private final long openedAt;
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private final StringBuilder text = new StringBuilder();
  private MessageRef live;
  private Outbox.Entry liveEntry;
  private String liveText = "";
  private long lastEditAt;
  private boolean streamingBroken;
  private boolean finished;

  ReplyStream(Delivery delivery, ChatRef chat, String inboundKey, String inReplyTo,
      String keyPrefix, PlatformLimits limits, Ticker ticker) {
    this.delivery = delivery;
    this.chat = chat;
    this.inboundKey = inboundKey;
    this.inReplyTo = inReplyTo;
    this.keyPrefix = keyPrefix;
    this.limits = limits;
    this.ticker = ticker;
    this.openedAt = ticker.nanos();
  }

  void started() {
    observe(o -> o.replyStarted(chat, inReplyTo));
  }

  /** More of the agent's text. */
  public void append(String delta) {
    appendText(delta, true);
  }

  /**
   * A line for the live preview only (tool progress): shown while the reply is written, not
   * reported as the agent's text to platforms that stream the text itself.
   */
  public void appendPreviewOnly(String line) {
    appendText(line, false);
  }

  private void appendText(String delta, boolean agentText) {
    lock.lock();
    try {
      if (finished) {
        return;
      }
      if (agentText) {
        observe(o -> o.replyGrew(chat, inReplyTo, delta));
      }
      text.append(delta);
      if (limits.supportsEdit() && !streamingBroken) {
        updatePreview();
      }
    } finally {
      lock.unlock();
    }
  }

  private void updatePreview() {
    long now = ticker.nanos();
    long since = live == null ? now - openedAt : now - lastEditAt;
    if (since < limits.minEditInterval().toNanos()) {
      return;
    }
    List<String> parts = delivery.render(chat, text + TYPING_MARK);
    if (parts.size() != 1) {
      return; // the final split happens in finish(); a cut-off preview helps no one
    }
    String preview = parts.getFirst();
    try {
      if (live == null) {
        Outbox outbox = delivery.outbox();
        liveEntry = outbox.claim(keyPrefix + "0", chat, preview, inboundKey);
        Optional<MessageRef> sent = delivery.deliverPart(keyPrefix + "0", chat, preview,
            inboundKey);
        if (sent.isEmpty()) {
          streamingBroken = true;
          return;
        }
        live = sent.get();
      } else if (!delivery.calls().editIfAllowed(live, preview)) {
        return;
      }
      liveText = preview;
      lastEditAt = now;
    } catch (PlatformException | RuntimeException e) {
      // A failed preview is not a failed reply: stop streaming and deliver once at the end.
      streamingBroken = true;
      log.warn("streaming to {} stopped after a failed update: {}", chat, e.getMessage());
    }
  }

  /**
   * Delivers the final text (or, if it is blank, what was streamed). Returns false when the
   * reply could not be delivered completely; that is logged, never thrown.
   */
  public boolean finish(String finalText) {
    lock.lock();
    try {
      if (finished) {
        return true;
      }
      finished = true;
      String body = finalText == null || finalText.isBlank() ? text.toString() : finalText;
      if (body.isBlank()) {
        body = "(no reply)";
      }
      try {
        List<String> parts = delivery.render(chat, body);
        return live != null ? finishOverPreview(parts) : finishFresh(parts);
      } finally {
        String complete = body;
        observe(o -> o.replyFinished(chat, inReplyTo, complete));
      }
    } catch (RuntimeException e) {
      log.warn("could not deliver a reply to {}: {}", chat, e.toString());
      return false;
    } finally {
      lock.unlock();
    }
  }

  private boolean finishFresh(List<String> parts) {
    Optional<MessageRef> first = delivery.deliverPart(keyPrefix + "0", chat, parts.getFirst(),
        inboundKey);
    if (first.isEmpty()) {
      return false;
    }
    if (!sendRest(parts)) {
      return false;
    }
    Outbox.Entry entry = delivery.outbox().find(keyPrefix + "0").orElseThrow();
    delivery.outbox().markSent(entry.id(), first.get().messageId(), parts.getFirst(), true);
    return true;
  }

  private boolean finishOverPreview(List<String> parts) {
    if (!sendRest(parts)) {
      return false;
    }
    String firstPart = parts.getFirst();
    try {
      if (!firstPart.equals(liveText)) {
        delivery.calls().edit(live, firstPart);
      }
      delivery.outbox().markSent(liveEntry.id(), live.messageId(), firstPart, true);
      return true;
    } catch (PlatformException e) {
      // The preview may no longer be editable (deleted, too old): send the final part 0 as
      // a message of its own rather than leave the stale preview as the answer.
      log.warn("could not put the final text into the streamed message in {} ({}); sending it"
          + " as a new message", chat, e.getMessage());
      Optional<MessageRef> replacement = delivery.deliverPart(keyPrefix + "0r", chat, firstPart,
          inboundKey);
      replacement.ifPresent(r -> delivery.outbox().markSent(liveEntry.id(), live.messageId(),
          liveText, true));
      return replacement.isPresent();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean sendRest(List<String> parts) {
    for (int i = 1; i < parts.size(); i++) {
      if (delivery.deliverPart(keyPrefix + i, chat, parts.get(i), inboundKey).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  // An adapter's observer must not break the reply on the platforms that do not use it.
  private void observe(java.util.function.Consumer<dev.switchboard.delivery.Outbound> call) {
    try {
      call.accept(delivery.outbound());
    } catch (RuntimeException e) {
      log.warn("the {} adapter failed to follow a reply: {}", chat.platform(), e.toString());
    }
  }

  /** Text received so far. */
  public String textSoFar() {
    lock.lock();
    try {
      return text.toString();
    } finally {
      lock.unlock();
    }
  }
}
