package dev.switchboard.platform.web;

import java.time.Instant;

/** A conversation in the page's list: titled by its first message. */
record ChatSummary(String id, String title, Instant updatedAt) {
  static final String UNTITLED = "New conversation";
  private static final int TITLE_CHARS = 60;

  /** The title a conversation gets from its first message of the user. */
  static String titleOf(String firstUserText) {
    String line = firstUserText.strip().lines().findFirst().orElse("");
    return line.length() <= TITLE_CHARS ? line : line.substring(0, TITLE_CHARS) + "\u2026";
  }
}
