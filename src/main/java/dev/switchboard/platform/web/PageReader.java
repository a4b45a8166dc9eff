package dev.switchboard.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a conversation's file backwards, a page at a time, so that no conversation is ever held
 * whole. A page is every message with a line in a byte range [start, end) of the file: each
 * with the text of its last line in the range and placed at its first, the order in which the
 * page shows them. The range grows back from {@code end} until it holds {@code limit} messages
 * or {@code budget} bytes; {@code start} is where the next older page ends. A message edited
 * after a page boundary has lines on both sides: the newer page has its newer text, the older
 * page its older place (the page keeps the one and takes the other).
 */
final class PageReader {
  static final int CHUNK = 64 * 1024;
  /**
   * Longer than any line this gateway writes (64,000 characters of text, six bytes at most
   * each when escaped): a longer one is damage, and is passed over without being held.
   */
  static final int MAX_LINE = 4 * 1024 * 1024;

  private PageReader() {}

  /** A message of a page, with the offsets of its first and last line in the page's range. */
  record Located(WebMessage message, long first, long last) {}

  /**
   * A page of messages in the order shown, the range's start, and how many lines the range held
   * and how many of them were damaged (so a file read whole can be told to need compacting).
   */
  record Slice(List<Located> messages, long start, int lines, int damaged) {}

  private static final class Found {
    final WebMessage message;
    long first;
    final long last;

    Found(WebMessage message, long offset) {
      this.message = message;
      this.first = offset;
      this.last = offset;
    }
  }

  /** The newest messages whose lines end at or before {@code end}. */
  static Slice read(Path file, long end, int limit, long budget) throws IOException {
    Map<String, Found> found = new LinkedHashMap<>();
    long start = end;
    long scanned = 0;
    int lines = 0;
    int damaged = 0;
    try (ReverseLines in = new ReverseLines(file, end, CHUNK, MAX_LINE)) {
      for (ReverseLines.Line line = in.previous(); line != null; line = in.previous()) {
        byte[] bytes = line.bytes();
        ChatLine.Parsed parsed = bytes == null ? null : ChatLine.parse(bytes);
        WebMessage m = parsed == null ? null : parsed.message();
        if (m != null && !found.containsKey(m.id()) && found.size() >= limit) {
          break; // a message the page has no room for: the older page starts with it
        }
        start = line.offset();
        scanned += (bytes == null ? MAX_LINE : bytes.length) + 1;
        lines++;
        if (parsed == null && (bytes == null || !ChatLine.blank(bytes))) {
          damaged++;
        } else if (m != null) {
          Found f = found.get(m.id());
          if (f == null) {
            found.put(m.id(), new Found(m, line.offset())); // read backwards: its last line
          } else {
            f.first = line.offset();
          }
        }
        if (scanned >= budget) {
          break;
        }
      }
    }
    List<Located> messages = new ArrayList<>(found.size());
    found.values().stream()
        .sorted(Comparator.comparingLong(f -> f.first))
        .forEach(f -> messages.add(new Located(f.message, f.first, f.last)));
    return new Slice(messages, start, lines, damaged);
  }

  /**
   * The message {@code messageId} with the text of its last line before {@code end}, found by
   * reading back as far as it takes (holding one line at a time).
   */
  static Optional<WebMessage> latest(Path file, long end, String messageId) throws IOException {
    byte[] needle = ("\"" + messageId + "\"").getBytes(StandardCharsets.UTF_8);
    try (ReverseLines in = new ReverseLines(file, end, CHUNK, MAX_LINE)) {
      for (ReverseLines.Line line = in.previous(); line != null; line = in.previous()) {
        byte[] bytes = line.bytes();
        if (bytes == null || !contains(bytes, needle)) {
          continue; // only a line that names the id is worth parsing
        }
        ChatLine.Parsed parsed = ChatLine.parse(bytes);
        WebMessage m = parsed == null ? null : parsed.message();
        if (m != null && m.id().equals(messageId)) {
          return Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
