package dev.switchboard.platform.web;

import java.time.Instant;
import java.util.List;

/**
 * A message as the web page shows it. A reply being streamed is the same id with growing text.
 *
 * @param role {@code user} or {@code agent}
 * @param markup what {@code text} is: the page puts only {@link Markup#HTML} into its markup
 * @param files the pictures and documents that came with it; {@code text} is then their caption
 */
record WebMessage(
    String id, String role, String text, Markup markup, Instant at, List<WebFile> files) {
  static final String USER = "user";
  static final String AGENT = "agent";

  /**
   * What a message's text is. Text is shown as typed; HTML is the agent's reply as {@link
   * SafeHtml} wrote it. Anything not marked as HTML is text, so the lines written before replies
   * were rendered (which carry no mark) keep showing as they did.
   */
  enum Markup {
    TEXT("text"),
    HTML("html");

    /** Its name in the conversation's file and in what the page receives. */
    final String wire;

    Markup(String wire) {
      this.wire = wire;
    }

    /** {@link #HTML} for its name; anything else, a missing name included, is {@link #TEXT}. */
    static Markup of(String wire) {
      return HTML.wire.equals(wire) ? HTML : TEXT;
    }
  }

  WebMessage {
    files = List.copyOf(files);
  }

  /** A message without files. */
  WebMessage(String id, String role, String text, Markup markup, Instant at) {
    this(id, role, text, markup, at, List.of());
  }

  /** A message of text. */
  WebMessage(String id, String role, String text, Instant at) {
    this(id, role, text, Markup.TEXT, at);
  }

  /** The same message with new text, as it was first shown (role, time, files). */
  WebMessage withText(String newText, Markup newMarkup) {
    return new WebMessage(id, role, newText, newMarkup, at, files);
  }

  /** The same message as of {@code when}. */
  WebMessage asOf(Instant when) {
    return new WebMessage(id, role, text, markup, when, files);
  }
}
