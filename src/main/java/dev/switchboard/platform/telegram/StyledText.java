package dev.switchboard.platform.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * The visible text of a reply with the format of every stretch of it. Offsets are UTF-16 code
 * units, the unit Telegram counts its length limit in. Spans are contiguous, non-empty, cover
 * the whole text and no two neighbours share a format.
 */
record StyledText(String text, List<Span> spans) {
  record Span(int start, int end, Format format) {}

  StyledText {
    spans = List.copyOf(spans);
  }

  static StyledText plain(String text) {
    Builder b = new Builder();
    b.append(text, Format.PLAIN);
    return b.build();
  }

  int length() {
    return text.length();
  }

  StyledText slice(int from, int to) {
    Builder b = new Builder();
    for (Span s : spans) {
      int a = Math.max(from, s.start());
      int z = Math.min(to, s.end());
      if (a < z) {
        b.append(text.substring(a, z), s.format());
      }
    }
    return b.build();
  }

  /** The text without the code units whose {@code keep} entry is false, formats unchanged. */
  StyledText retain(boolean[] keep) {
    Builder b = new Builder();
    StringBuilder kept = new StringBuilder();
    for (Span s : spans) {
      kept.setLength(0);
      for (int i = s.start(); i < s.end(); i++) {
        if (keep[i]) {
          kept.append(text.charAt(i));
        }
      }
      b.append(kept.toString(), s.format());
    }
    return b.build();
  }

  static final class Builder {
    private final StringBuilder text = new StringBuilder();
    private final List<Span> spans = new ArrayList<>();

    void append(String s, Format format) {
      if (s.isEmpty()) {
        return;
      }
      int start = text.length();
      text.append(s);
      if (!spans.isEmpty() && spans.getLast().format().equals(format)) {
        Span last = spans.removeLast();
        spans.add(new Span(last.start(), text.length(), format));
      } else {
        spans.add(new Span(start, text.length(), format));
      }
    }

    StyledText build() {
      return new StyledText(text.toString(), spans);
    }
  }
}
