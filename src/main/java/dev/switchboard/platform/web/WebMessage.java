package dev.switchboard.platform.web;

import java.time.Instant;

/**
 * A message as the web page shows it. A reply being streamed is the same id with growing text.
 *
 * @param role {@code user} or {@code agent}
 * @param markup what {@code text} is: the page puts only {@link Markup#HTML} into its markup
 */
record WebMessage(String id, String role, String text, Markup markup, Instant at) {
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

  /** A message of text. */
  WebMessage(String id, String role, String text, Instant at) {
    this(id, role, text, Markup.TEXT, at);
  }
}
