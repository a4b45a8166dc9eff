package dev.switchboard.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The document model of a reply: its visible text with the format of every stretch of it.
 * Offsets are UTF-16 code units. Spans are contiguous, non-empty, cover the whole text and no
 * two neighbours share a format, so a renderer writes one run of markup per span.
 */
public record StyledText(String text, List<Span> spans) {
  /** The stretch {@code [start, end)} of the text, shown as {@code format} says. */
  public record Span(int start, int end, Format format) {
    public String of(String text) {
      return text.substring(start, end);
    }
  }

  public StyledText {
    spans = List.copyOf(spans);
  }

  /** Text taken as it is, with no Markdown read into it. */
  public static StyledText plain(String text) {
    Builder b = new Builder();
    b.append(text, Format.PLAIN);
    return b.build();
  }

  StyledText slice(int from, int to) {
    Builder b = new Builder();
    for (int i = firstSpanEndingAfter(from); i < spans.size(); i++) {
      Span s = spans.get(i);
      if (s.start() >= to) {
        break;
      }
      b.append(text.substring(Math.max(from, s.start()), Math.min(to, s.end())), s.format());
    }
    return b.build();
  }

  // Spans are sorted and contiguous: halving finds where a slice begins in a long reply.
  private int firstSpanEndingAfter(int offset) {
    int lo = 0;
    int hi = spans.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (spans.get(mid).end() <= offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
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

  /** The same text with the span that holds offset {@code at} shown plain. */
  StyledText unformatAt(int at) {
    Builder b = new Builder();
    for (Span s : spans) {
      boolean hit = s.start() <= at && at < s.end();
      b.append(s.of(text), hit ? Format.PLAIN : s.format());
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
