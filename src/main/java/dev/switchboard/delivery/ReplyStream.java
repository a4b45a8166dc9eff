package dev.switchboard.delivery;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Ticker;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.media.ReplyFiles;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
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
 * A part the platform refuses goes again smaller or plain, or the user is told why it could not
 * ({@link RefusalFallback}).
 *
 * <p>A backend may append from any thread; the methods are serialized by one lock. Pieces that
 * arrive after {@link #finish} are dropped: the final text must stay final.
 */
public final class ReplyStream {
  private static final Logger log = LoggerFactory.getLogger(ReplyStream.class);
  static final String TYPING_MARK = " \u2026";

  private final PartSender parts;
  private final RefusalFallback refusals;
  private final Outbound observer;
  private final ChatRef chat;
  private final String inboundKey;
  private final String inReplyTo;
  private final String keyPrefix;
  private final PlatformLimits limits;
  private final Ticker ticker;
  private final long openedAt;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final StringBuilder text = new StringBuilder();
  /** Part 0 while it is a preview that grows by edits; null until the first preview is out. */
  @GuardedBy("lock")
  private PartSender.@Nullable Sent live;

  @GuardedBy("lock")
  private String liveText = "";

  @GuardedBy("lock")
  private long lastEditAt;

  @GuardedBy("lock")
  private boolean streamingBroken;

  @GuardedBy("lock")
  private boolean finished;

  /** Delivering again what a crash cut off: parts whose outcome is unknown are sent again. */
  private final boolean afterRestart;

  private final ReplyFileSender files;

  /**
   * @param observer told how the reply grows, for platforms that follow replies rather than
   *     show them (the API)
   */
  ReplyStream(
      PartSender parts,
      RefusalFallback refusals,
      Outbound observer,
      InboundMessage message,
      int attempt,
      PlatformLimits limits,
      Ticker ticker,
      boolean afterRestart,
      @Nullable OutgoingFiles outgoing) {
    this.afterRestart = afterRestart;
    this.parts = parts;
    this.refusals = refusals;
    this.observer = observer;
    this.chat = message.chat();
    this.inboundKey = message.dedupeKey();
    this.inReplyTo = message.messageId();
    this.keyPrefix = OutboxKeys.replyPrefix(inboundKey, attempt);
    this.limits = limits;
    this.ticker = ticker;
    this.openedAt = ticker.nanos();
    this.files = new ReplyFileSender(parts, outgoing, chat, keyPrefix, inboundKey);
  }

  void started() {
    observe(o -> o.replyStarted(chat, inReplyTo));
  }

  /**
   * No live preview: the reply goes out once, when it is final. For turns nobody is watching
   * being written (a scheduled job's), whose answer may turn out to be nothing to send.
   */
  void withoutPreview() {
    lock.lock();
    try {
      streamingBroken = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the reply without sending anything (the agent answered that there is nothing to say).
   * Only for a stream {@link #withoutPreview() without a preview}, so nothing is on screen.
   */
  public void discard() {
    lock.lock();
    try {
      if (live != null) {
        throw new IllegalStateException("a preview of this reply is on screen");
      }
      finished = true;
    } finally {
      lock.unlock();
    }
    // Platforms that follow replies (the web chat writes its log when one ends) hear it ended.
    observe(o -> o.replyFinished(chat, inReplyTo, ""));
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

  @GuardedBy("lock")
  private void updatePreview() {
    long now = ticker.nanos();
    long since = live == null ? now - openedAt : now - lastEditAt;
    if (since < limits.minEditInterval().toNanos()) {
      return;
    }
    List<String> texts = parts.render(chat, ReplyFiles.forPreview(text.toString()) + TYPING_MARK);
    if (texts.size() != 1) {
      return; // the final split happens in finish(); a cut-off preview helps no one
    }
    String preview = texts.getFirst();
    try {
      if (live == null) {
        Optional<PartSender.Sent> sent =
            parts.send(OutboxKeys.replyPart(keyPrefix, 0), chat, preview, inboundKey);
        if (sent.isEmpty()) {
          streamingBroken = true;
          return;
        }
        live = sent.get();
      } else if (!parts.editIfAllowed(live.message(), preview)) {
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
  public boolean finish(@Nullable String finalText) {
    lock.lock();
    try {
      if (finished) {
        return true;
      }
      finished = true;
      String body = bodyFor(finalText);
      try {
        ReplyFileSender.Prepared prepared = files.prepare(body);
        List<String> texts = parts.render(chat, prepared.text());
        PartSender.Sent preview = live;
        return preview != null
            ? finishOverPreview(preview, texts, prepared.files())
            : finishFresh(texts, prepared.files());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
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

  /**
   * The text {@link #finish} delivers for {@code finalText}: it, or what was streamed when it is
   * blank, or a word that nothing came.
   */
  public String bodyFor(@Nullable String finalText) {
    lock.lock();
    try {
      String body = finalText == null || finalText.isBlank() ? text.toString() : finalText;
      return body.isBlank() ? "(no reply)" : body;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a restart: {@code preview} is part 0 of this reply, left on screen showing {@code
   * shown} by the process that died; the final text goes into it.
   */
  void continuePreview(PartSender.Sent preview, String shown) {
    lock.lock();
    try {
      live = preview;
      liveText = shown;
    } finally {
      lock.unlock();
    }
  }

  /** A part of the final text; one the platform refuses goes smaller or plain, or is noticed. */
  private Optional<PartSender.Sent> sendPart(String key, String partText) {
    return refusals.send(key, chat, partText, inboundKey, afterRestart, false);
  }

  private boolean finishFresh(List<String> texts, List<OutboundFile> attached) {
    // A reply of one message and no files is whole once that message is sent: the outbox
    // marks it so as it records the send (one write fewer for most answers).
    boolean whole = texts.size() == 1 && attached.isEmpty();
    Optional<PartSender.Sent> first = refusals.send(
        OutboxKeys.replyPart(keyPrefix, 0),
        chat,
        texts.getFirst(),
        inboundKey,
        afterRestart,
        whole);
    if (first.isEmpty()) {
      return false;
    }
    if (!sendRest(texts) || !files.send(attached, afterRestart)) {
      return false;
    }
    if (!first.get().complete()) {
      parts.markWholeReply(first.get(), texts.getFirst());
    }
    return true;
  }

  @GuardedBy("lock")
  private boolean finishOverPreview(
      PartSender.Sent preview, List<String> texts, List<OutboundFile> attached) {
    if (!sendRest(texts) || !files.send(attached, afterRestart)) {
      return false;
    }
    String firstPart = texts.getFirst();
    try {
      if (!firstPart.equals(liveText)) {
        parts.edit(preview.message(), firstPart);
      }
      parts.markWholeReply(preview, firstPart);
      return true;
    } catch (PlatformException e) {
      // The preview may no longer be editable (deleted, too old): send the final part 0 as
      // a message of its own rather than leave the stale preview as the answer.
      log.warn(
          "could not put the final text into the streamed message in {} ({}); sending it"
              + " as a new message",
          chat,
          e.getMessage());
      Optional<PartSender.Sent> replacement =
          sendPart(OutboxKeys.replacementOfFirstPart(keyPrefix), firstPart);
      String previewText = liveText;
      replacement.ifPresent(r -> parts.markWholeReply(preview, previewText));
      return replacement.isPresent();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean sendRest(List<String> texts) {
    for (int i = 1; i < texts.size(); i++) {
      if (sendPart(OutboxKeys.replyPart(keyPrefix, i), texts.get(i)).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  // An adapter's observer must not break the reply on the platforms that do not use it.
  private void observe(Consumer<Outbound> call) {
    try {
      call.accept(observer);
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
