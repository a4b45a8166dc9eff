package dev.switchboard.platform.web;

import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's Markdown as the web page's messages: read and cut by the reply pipeline ({@link
 * ReplyFormat}) and written by {@link SafeHtml}, so each message is complete HTML in which
 * nothing the agent typed is markup. A reply is rendered afresh at every update while it is
 * streamed, so half of one (an unclosed {@code **}, a code fence not closed yet) is rendered
 * as what it is so far and never leaves an element open.
 */
final class ReplyHtml {
  /**
   * What the gateway adds to a reply while it is being written (the delivery's typing mark),
   * and what the page looks for at the end of a message to show it as still growing. It is
   * taken off before the reply is read and put back after the HTML, so that it stays at the
   * very end (not inside an open code block, where the page would miss it) and shows as text.
   */
  static final String STREAMING_MARK = " \u2026";

  private final ReplyFormat format;

  /** @param limit the longest message, in UTF-16 code units of HTML */
  ReplyHtml(int limit) {
    this.format = new ReplyFormat(
        new SafeHtml(), limit - STREAMING_MARK.length(), LengthUnit.UTF16, WhitespaceAtCuts.TRIM);
  }

  /**
   * The messages that carry {@code markdown}, in order: never none, since the gateway sends a
   * platform's text as it is when its rendering is empty, and the page would then be given text
   * that SafeHtml never wrote as if it were HTML.
   */
  List<String> messages(String markdown) {
    boolean streaming = markdown.endsWith(STREAMING_MARK);
    String reply =
        streaming ? markdown.substring(0, markdown.length() - STREAMING_MARK.length()) : markdown;
    List<String> parts = new ArrayList<>(format.messages(reply));
    if (parts.isEmpty()) {
      parts.add("");
    }
    if (streaming) {
      parts.set(parts.size() - 1, parts.getLast() + STREAMING_MARK);
    }
    return List.copyOf(parts);
  }
}
