package dev.switchboard.platform.web;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.OwnerOnly;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conversation: its file {@code web/<chat>.jsonl}, of which memory holds what the list
 * shows, the messages whose newest text is not written yet, and (in the shared {@link
 * WindowCache}) its newest messages while it is in use. Each change is one appended line
 * ({@link ChatLine}); the growing text of a reply being streamed is kept in memory only and
 * written once the reply is complete ({@link #flush}), so a long reply costs one line, not one
 * per edit. Lines are not fsynced: this is the page's view, while what the agent must answer
 * and what was sent are kept durably by the journal and the outbox.
 */
final class ChatLog {
  private static final Logger log = LoggerFactory.getLogger(ChatLog.class);

  private final String id;
  private final Path file;
  private final WindowCache windows;
  private final Limits limits;

  /** How much of a conversation is read at once and kept. */
  record Limits(int windowMessages, long pageBytes, long compactBytes) {}

  @GuardedBy("this")
  private String title;

  @GuardedBy("this")
  private Instant updatedAt;

  @GuardedBy("this")
  private long length;

  @GuardedBy("this")
  private boolean endsWithNewline;

  /** Whether the file was considered for compacting since the start (once is enough). */
  @GuardedBy("this")
  private boolean compactingConsidered;

  @GuardedBy("this")
  private boolean damageReported;

  /** Messages whose newest text is not on disk yet, by id. */
  @GuardedBy("this")
  private final Map<String, WebMessage> unwritten = new LinkedHashMap<>();

  private ChatLog(String id, Path file, WindowCache windows, Limits limits, IndexEntry entry) {
    this.id = id;
    this.file = file;
    this.windows = windows;
    this.limits = limits;
    this.title = entry.title();
    this.updatedAt = entry.updatedAt();
    this.length = entry.length();
    this.endsWithNewline = entry.endsWithNewline();
  }

  /** A conversation on disk, of which only the two ends are read. */
  static ChatLog open(String id, Path file, WindowCache windows, Limits limits) throws IOException {
    return new ChatLog(id, file, windows, limits, IndexEntry.read(file));
  }

  /** A new conversation, its file started. */
  static ChatLog create(String id, Path file, Instant at, WindowCache windows, Limits limits) {
    ChatLog chat =
        new ChatLog(id, file, windows, limits, new IndexEntry(ChatSummary.UNTITLED, at, 0, true));
    synchronized (chat) {
      chat.append(List.of(ChatLine.created(at)));
    }
    return chat;
  }

  synchronized ChatSummary summary() {
    return new ChatSummary(id, title, updatedAt);
  }

  /**
   * Whether {@code messageId} is among the newest messages: enough to recognise a send the page
   * retried, which it does within seconds.
   */
  synchronized boolean has(String messageId) {
    return unwritten.containsKey(messageId) || window().get(messageId).isPresent();
  }

  /** Records a new message, on disk at once; returns the new title if this one gave it. */
  synchronized Optional<ChatSummary> add(WebMessage m) {
    boolean titles = title.equals(ChatSummary.UNTITLED)
        && m.role().equals(WebMessage.USER)
        && !m.text().isBlank();
    long offset = append(List.of(ChatLine.message(m)))[0];
    updatedAt = m.at();
    RecentWindow w = windows.get(id);
    if (w != null) {
      w.record(m, offset, true);
      keep(w);
    }
    if (!titles) {
      return Optional.empty();
    }
    title = ChatSummary.titleOf(m.text());
    return Optional.of(summary());
  }

  /**
   * Records the new text of message {@code messageId}, on disk at once unless {@code inMemory}
   * (a reply's growing text, written by {@link #flush}). Returns the message as stored (its
   * role and time are those it was first shown with, its text and markup the new ones), or
   * empty when there is no such message.
   */
  synchronized Optional<WebMessage> edit(
      String messageId, String text, WebMessage.Markup markup, Instant at, boolean inMemory) {
    Optional<WebMessage> previous = find(messageId);
    if (previous.isEmpty()) {
      return Optional.empty();
    }
    WebMessage stored = previous.get().withText(text, markup);
    long offset = length;
    if (inMemory) {
      unwritten.put(messageId, stored);
    } else {
      unwritten.remove(messageId);
      offset = append(List.of(ChatLine.message(stored)))[0];
    }
    updatedAt = at;
    RecentWindow w = windows.get(id);
    if (w != null) {
      w.record(stored, offset, !inMemory);
      keep(w);
    }
    return Optional.of(stored);
  }

  /** Writes what was kept in memory only. */
  synchronized void flush() {
    if (unwritten.isEmpty()) {
      return;
    }
    List<WebMessage> messages = List.copyOf(unwritten.values());
    long[] offsets = append(messages.stream().map(ChatLine::message).toList());
    unwritten.clear();
    RecentWindow w = windows.get(id);
    if (w != null) {
      for (int i = 0; i < messages.size(); i++) {
        w.record(messages.get(i), offsets[i], true);
      }
      keep(w);
    }
  }

  /** The newest {@code limit} messages (fewer if they are very long), from memory if in use. */
  synchronized MessagePage newest(int limit) {
    return window().newest(limit);
  }

  /**
   * The {@code limit} messages before {@code cursor}, read from disk without holding this
   * conversation's lock: the file before a cursor is only ever appended to after it.
   *
   * @throws IllegalArgumentException when the cursor lies beyond the end of the file
   */
  MessagePage before(long cursor, int limit) {
    Map<String, WebMessage> overlay;
    synchronized (this) {
      if (cursor < 0 || cursor > length) {
        throw new IllegalArgumentException("past the end of the conversation");
      }
      overlay = Map.copyOf(unwritten);
    }
    PageReader.Slice slice = read(cursor, limit, limits.pageBytes());
    reportDamage(slice);
    List<WebMessage> messages = new ArrayList<>(slice.messages().size());
    for (PageReader.Located m : slice.messages()) {
      messages.add(overlay.getOrDefault(m.message().id(), m.message()));
    }
    return new MessagePage(messages, RecentWindow.cursor(slice.start()));
  }

  @GuardedBy("this")
  private Optional<WebMessage> find(String messageId) {
    WebMessage kept = unwritten.get(messageId);
    if (kept != null) {
      return Optional.of(kept);
    }
    Optional<WebMessage> recent = window().get(messageId);
    if (recent.isPresent()) {
      return recent;
    }
    try {
      return PageReader.latest(file, length, messageId); // an edit of an older message: rare
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The newest messages, read from disk when not in the cache. */
  @GuardedBy("this")
  private RecentWindow window() {
    RecentWindow cached = windows.get(id);
    if (cached != null) {
      return cached;
    }
    if (!compactingConsidered) {
      compactingConsidered = true;
      compactIfSmall();
    }
    RecentWindow w = new RecentWindow(read(length, limits.windowMessages(), limits.pageBytes()));
    unwritten.values().forEach(m -> w.record(m, length, false));
    windows.put(id, w);
    return w;
  }

  /**
   * Rewrites a small file that holds superseded lines (a streamed reply's first text, a
   * message edited outside a stream) with one line per message, as it would be read. A large
   * file is left as it is: compacting it would mean reading it whole.
   */
  @GuardedBy("this")
  private void compactIfSmall() {
    if (length > limits.compactBytes()) {
      return;
    }
    PageReader.Slice all = read(length, Integer.MAX_VALUE, Long.MAX_VALUE);
    if (all.lines() <= all.messages().size() + 1) {
      return;
    }
    StringBuilder compact = new StringBuilder(ChatLine.created(updatedAt));
    all.messages().forEach(m -> compact.append(ChatLine.message(m.message())));
    byte[] bytes = compact.toString().getBytes(StandardCharsets.UTF_8);
    try {
      AtomicFiles.write(file, bytes);
    } catch (IOException e) {
      log.warn("web chat {}: could not compact: {}", file.getFileName(), e.getMessage());
      return;
    }
    length = bytes.length;
    endsWithNewline = true;
  }

  private PageReader.Slice read(long end, int limit, long budget) {
    try {
      PageReader.Slice slice = PageReader.read(file, end, limit, budget);
      reportDamage(slice);
      return slice;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private synchronized void reportDamage(PageReader.Slice slice) {
    if (slice.damaged() > 0 && !damageReported) {
      damageReported = true;
      log.warn("web chat {}: skipped {} damaged line(s)", file.getFileName(), slice.damaged());
    }
  }

  /** A window grown well past its size is let go of, to be read afresh when next needed. */
  @GuardedBy("this")
  private void keep(RecentWindow w) {
    if (w.size() > 2 * limits.windowMessages()) {
      windows.remove(id);
    } else {
      windows.put(id, w);
    }
  }

  /** Appends {@code lines} and returns the offset each was written at. */
  @GuardedBy("this")
  private long[] append(List<String> lines) {
    long[] offsets = new long[lines.size()];
    long position = endsWithNewline ? length : length + 1;
    StringBuilder all = new StringBuilder(endsWithNewline ? "" : "\n");
    for (int i = 0; i < lines.size(); i++) {
      offsets[i] = position;
      position += lines.get(i).getBytes(StandardCharsets.UTF_8).length;
      all.append(lines.get(i));
    }
    // A FileOutputStream, not a channel: a channel is closed by an interrupt of the writing
    // thread, and replies are written from turn threads the stop interrupts.
    try {
      if (length == 0) { // a conversation is as private as the login token that guards it
        OwnerOnly.createFileIfMissing(file);
      }
      writeAppending(all);
    } catch (IOException e) {
      resync();
      throw new UncheckedIOException("cannot write " + file, e);
    }
    length = position;
    endsWithNewline = true;
    return offsets;
  }

  private void writeAppending(CharSequence text) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** After a failed write, what is on disk decides where the next line goes. */
  @GuardedBy("this")
  private void resync() {
    windows.remove(id);
    try {
      if (Files.exists(file)) {
        IndexEntry entry = IndexEntry.read(file);
        length = entry.length();
        endsWithNewline = entry.endsWithNewline();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("web chat {}: cannot read back after a failed write", file.getFileName(), e);
    }
  }
}
