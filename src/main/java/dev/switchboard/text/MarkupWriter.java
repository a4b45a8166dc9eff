package dev.switchboard.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes styled text in a markup whose styles are an opening and a closing string around text:
 * HTML tags, or the marker characters of Markdown and Slack's mrkdwn. A vocabulary lists the
 * tags of a format in one fixed order, outermost first, so moving from one span to the next
 * closes only what differs and the output nests correctly by construction; whatever is still
 * open at the end is closed.
 */
public final class MarkupWriter {
  /**
   * An opening and a closing string around styled text.
   *
   * @param tight the markup takes the style only when no whitespace touches the markers
   *     inside ({@code *bold*}, not {@code *bold *}): whitespace at the edges of the text is
   *     written outside them
   */
  public record Tag(String open, String close, boolean tight) {
    public Tag(String open, String close) {
      this(open, close, false);
    }
  }

  /** One markup's words; a markup written this way is its renderer too. */
  public interface Vocabulary extends MarkupRenderer {
    /** The piece written in this markup. */
    @Override
    default String render(StyledText piece) {
      return write(piece, this);
    }

    /** The tags around text in this format, outermost first. */
    List<Tag> tags(Format format);

    /** Text in this format as the markup writes it: escaped, or wrapped whole (code). */
    String text(String text, Format format);

    /** What opens every line of text in this format ("> " for a quote in Markdown). */
    default String linePrefix(Format format) {
      return "";
    }
  }

  private final Vocabulary words;
  private final StringBuilder out = new StringBuilder();
  private final List<Tag> open = new ArrayList<>();
  private String pending = "";
  private boolean atLineStart = true;

  private MarkupWriter(Vocabulary words) {
    this.words = words;
  }

  public static String write(StyledText doc, Vocabulary words) {
    MarkupWriter w = new MarkupWriter(words);
    for (StyledText.Span span : doc.spans()) {
      w.span(span.of(doc.text()), span.format());
    }
    w.closeDownTo(0);
    w.out.append(w.pending);
    return w.out.toString();
  }

  private void span(String text, Format format) {
    List<Tag> wanted = words.tags(format);
    boolean tight = wanted.stream().anyMatch(Tag::tight);
    int from = 0;
    int to = text.length();
    if (tight) {
      while (from < to && Character.isWhitespace(text.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
        to--;
      }
    }
    int common = 0;
    while (common < open.size()
        && common < wanted.size()
        && open.get(common).equals(wanted.get(common))) {
      common++;
    }
    if (from == to && tight) {
      wanted = wanted.subList(0, common); // blank text opens no style it would break
    }
    closeDownTo(common);
    out.append(pending);
    pending = "";
    String prefix = words.linePrefix(format);
    if (atLineStart && !prefix.isEmpty() && !text.startsWith("\n")) {
      out.append(prefix);
      atLineStart = false;
    }
    emit(text.substring(0, from), format);
    for (Tag tag : wanted.subList(common, wanted.size())) {
      out.append(tag.open());
      open.add(tag);
    }
    emit(text.substring(from, to), format);
    if (to < text.length()) {
      pending = words.text(text.substring(to), format);
    }
  }

  private void closeDownTo(int depth) {
    while (open.size() > depth) {
      out.append(open.removeLast().close());
    }
  }

  /** Writes text, opening each line after the first with the line prefix, if any. */
  private void emit(String text, Format format) {
    if (text.isEmpty()) {
      return;
    }
    String prefix = words.linePrefix(format);
    if (prefix.isEmpty()) {
      out.append(words.text(text, format));
      atLineStart = text.endsWith("\n");
      return;
    }
    int i = 0;
    while (i < text.length()) {
      int newline = text.indexOf('\n', i);
      int end = newline < 0 ? text.length() : newline + 1;
      if (atLineStart && text.charAt(i) != '\n') {
        out.append(prefix);
      }
      out.append(words.text(text.substring(i, end), format));
      atLineStart = newline >= 0;
      i = end;
    }
  }
}
