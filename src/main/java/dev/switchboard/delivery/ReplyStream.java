package dev.switchboard.delivery;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reply being streamed into a chat. Text arrives in pieces; on platforms that can edit, the
 * reply appears as one message that is edited as it grows, at most once per {@code
 * minEditInterval}; the first message is sent only after that interval, so a quick reply is a
 * single send. {@link #finish} puts the final text in place, split into several messages when
 * it is longer than the platform allows.
 *
 * <p>A backend may append from any thread, so the methods are serialized by one lock (held
 * across a platform call, which only delays that backend's own next piece). Pieces that arrive
 * after {@link #finish} are dropped: the final text must stay final.
 */
public final class ReplyStream {
  private static final Logger log = LoggerFactory.getLogger(ReplyStream.class);
  static final String TYPING_MARK = " \u2026";

  private final Outbound outbound;
  private final ChatRef chat;
  private final PlatformLimits limits;
  private final Ticker ticker;
  private final long openedAt;
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private final StringBuilder text = new StringBuilder();
  private MessageRef live;
  private String liveText = "";
  private long lastEditAt;
  private boolean streamingBroken;
  private boolean finished;

  ReplyStream(Outbound outbound, ChatRef chat, PlatformLimits limits, Ticker ticker) {
    this.outbound = outbound;
    this.chat = chat;
    this.limits = limits;
    this.ticker = ticker;
    this.openedAt = ticker.nanos();
  }

  public void append(String delta) {
    lock.lock();
    try {
      if (finished) {
        return;
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
    long interval = limits.minEditInterval().toNanos();
    long since = live == null ? now - openedAt : now - lastEditAt;
    if (since < interval) {
      return;
    }
    String preview = text + TYPING_MARK;
    if (preview.length() > limits.maxMessageLength()) {
      return; // the final split happens in finish(); editing a cut-off preview helps no one
    }
    try {
      if (live == null) {
        live = outbound.send(chat, preview);
      } else {
        outbound.edit(live, preview);
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
   * chat could not be reached; that is logged, never thrown.
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
      List<String> parts = Chunker.split(body, limits.maxMessageLength());
      try {
        int first = live != null && finalEditSucceeded(parts.getFirst()) ? 1 : 0;
        for (int i = first; i < parts.size(); i++) {
          outbound.send(chat, parts.get(i));
        }
        return true;
      } catch (PlatformException | RuntimeException e) {
        log.warn("could not deliver a reply to {}: {}", chat, e.getMessage());
        return false;
      }
    } finally {
      lock.unlock();
    }
  }

  // The streamed message may no longer be editable (deleted, too old); then the final text
  // goes out as new messages rather than being lost behind a stale preview.
  private boolean finalEditSucceeded(String firstPart) {
    if (firstPart.equals(liveText)) {
      return true;
    }
    try {
      outbound.edit(live, firstPart);
      return true;
    } catch (PlatformException | RuntimeException e) {
      log.warn("could not put the final text into the streamed message in {} ({}); sending it"
          + " as a new message", chat, e.getMessage());
      return false;
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
