package dev.switchboard.platform.signal;

import dev.switchboard.text.Format;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.MarkupRenderer;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replies as Signal shows them: plain text with style ranges beside it, which signal-cli's
 * {@code send} takes as {@code textStyle} entries ({@code start:length:STYLE}, in UTF-16 code
 * units; BOLD, ITALIC, STRIKETHROUGH, MONOSPACE, SPOILER). The reply pipeline passes only text
 * from {@link #render} to {@code send}, so the ranges of each message rendered are kept here,
 * by its text, for the send that follows; a text not rendered here (a notice) goes plain. A
 * link shows its address in parentheses after its text, since Signal has no link markup.
 *
 * <p>2000 UTF-16 code units per message: signal-cli sends a body of more than 2000 UTF-8 bytes
 * as its first 2000 bytes plus the whole text as a "long text" attachment (text/x-signal-plain),
 * which the Signal apps show as one message. At this limit ASCII text never needs that
 * attachment, and other scripts, which may, still arrive whole.
 */
final class SignalText {
  static final int MAX_MESSAGE = 2000;
  /** Texts rendered lately and their ranges; the splitter renders candidates, so a few spare. */
  private static final int REMEMBERED = 512;

  private final Map<String, List<String>> styles =
      Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
          return size() > REMEMBERED;
        }
      });
  private final ReplyFormat format =
      new ReplyFormat(new Renderer(), MAX_MESSAGE, LengthUnit.UTF16, WhitespaceAtCuts.TRIM);

  /** The messages of a Markdown reply, each within Signal's limit. */
  List<String> render(String markdown) {
    return format.messages(markdown);
  }

  /** The textStyle entries of a message {@link #render} made, empty for any other text. */
  List<String> stylesOf(String text) {
    return styles.getOrDefault(text, List.of());
  }

  /** The visible text of a piece; its style ranges go to the map. */
  private final class Renderer implements MarkupRenderer {
    @Override
    public String render(StyledText piece) {
      StringBuilder out = new StringBuilder();
      List<Range> ranges = new ArrayList<>();
      List<StyledText.Span> spans = piece.spans();
      for (int i = 0; i < spans.size(); i++) {
        StyledText.Span span = spans.get(i);
        Format f = span.format();
        int start = out.length();
        out.append(span.of(piece.text()));
        for (String style : styleNames(f)) {
          add(ranges, new Range(start, out.length(), style));
        }
        String href = f.href();
        boolean endsLink = href != null
            && (i == spans.size() - 1
                || !Objects.equals(spans.get(i + 1).format().href(), href));
        if (endsLink && !linkText(spans, i, piece.text()).strip().equals(href)) {
          out.append(" (").append(href).append(')');
        }
      }
      String text = out.toString();
      if (!ranges.isEmpty()) {
        styles.put(text, ranges.stream().map(Range::entry).toList());
      }
      return text;
    }
  }

  /** The text of the link that span {@code last} ends. */
  private static String linkText(List<StyledText.Span> spans, int last, String text) {
    String href = spans.get(last).format().href();
    int first = last;
    while (first > 0 && Objects.equals(spans.get(first - 1).format().href(), href)) {
      first--;
    }
    return text.substring(spans.get(first).start(), spans.get(last).end());
  }

  private static List<String> styleNames(Format f) {
    List<String> names = new ArrayList<>(3);
    if (f.code() || f.pre() != null) {
      names.add("MONOSPACE");
      return names;
    }
    if (f.bold()) {
      names.add("BOLD");
    }
    if (f.italic()) {
      names.add("ITALIC");
    }
    if (f.strike()) {
      names.add("STRIKETHROUGH");
    }
    return names;
  }

  /** Joins a range to the last of its style that ends where it starts. */
  private static void add(List<Range> ranges, Range next) {
    if (next.end == next.start) {
      return;
    }
    for (int i = ranges.size() - 1; i >= 0; i--) {
      Range r = ranges.get(i);
      if (r.style.equals(next.style) && r.end == next.start) {
        ranges.set(i, new Range(r.start, next.end, r.style));
        return;
      }
    }
    ranges.add(next);
  }

  private record Range(int start, int end, String style) {
    String entry() {
      return start + ":" + (end - start) + ":" + style;
    }
  }
}
