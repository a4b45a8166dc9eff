package dev.switchboard.platform.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The newest messages of one conversation: a page read from its file ({@link PageReader}), kept
 * up to date with what is written after. It serves the page's first screen and tells a retried
 * send from a new one without reading the file. Like a page, it is every message with a line
 * in a range of the file, from {@link #start} to the end, in the order of their first line there.
 * Not thread-safe: used under its conversation's lock.
 */
final class RecentWindow {
  /** What a message costs in memory besides its text: the id, the time, the map's entry. */
  private static final long OVERHEAD_BYTES = 200;

  /** What one of its files costs: the record, its hash, name and type. */
  private static final long FILE_BYTES = 400;

  private static final class Entry {
    WebMessage message;
    final long first;
    long last;

    Entry(WebMessage message, long first, long last) {
      this.message = message;
      this.first = first;
      this.last = last;
    }
  }

  /** In the order of their first line. */
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private final long start;
  private long bytes;

  RecentWindow(PageReader.Slice slice) {
    this.start = slice.start();
    for (PageReader.Located m : slice.messages()) {
      put(new Entry(m.message(), m.first(), m.last()));
    }
  }

  int size() {
    return entries.size();
  }

  /** About how much memory the messages take. */
  long bytes() {
    return bytes;
  }

  Optional<WebMessage> get(String messageId) {
    Entry e = entries.get(messageId);
    return e == null ? Optional.empty() : Optional.of(e.message);
  }

  /**
   * Records {@code m}, new or the new text of one: {@code offset} is where its line was written,
   * or where the file ends when the text is kept in memory only. A message the window does not
   * hold yet (an edit of an older one) joins at the end, as its line in the window's range does.
   */
  void record(WebMessage m, long offset, boolean written) {
    Entry e = entries.get(m.id());
    if (e == null) {
      put(new Entry(m, offset, offset));
      return;
    }
    bytes += cost(m) - cost(e.message);
    e.message = m;
    if (written) {
      e.last = offset;
    }
  }

  /**
   * The newest {@code limit} messages or more, and where the older page ends: a message placed
   * before them but with a line after where they start is part of their range, so it comes too.
   */
  MessagePage newest(int limit) {
    List<Entry> all = new ArrayList<>(entries.values());
    int from = Math.max(0, all.size() - limit);
    while (from > 0) {
      long cursor = all.get(from).first;
      int pulled = -1;
      for (int i = 0; i < from && pulled < 0; i++) {
        if (all.get(i).last >= cursor) {
          pulled = i;
        }
      }
      if (pulled < 0) {
        break;
      }
      from = pulled;
    }
    List<WebMessage> messages = new ArrayList<>(all.size() - from);
    for (Entry e : all.subList(from, all.size())) {
      messages.add(e.message);
    }
    long before = from == 0 ? start : all.get(from).first;
    return new MessagePage(messages, cursor(before));
  }

  static @Nullable Long cursor(long start) {
    return start == 0 ? null : start;
  }

  private void put(Entry e) {
    entries.put(e.message.id(), e);
    bytes += cost(e.message);
  }

  private static long cost(WebMessage m) {
    return OVERHEAD_BYTES + 2L * m.text().length() + FILE_BYTES * m.files().size();
  }
}
