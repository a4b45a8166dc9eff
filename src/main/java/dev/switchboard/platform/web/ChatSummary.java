package dev.switchboard.platform.web;

import java.time.Instant;

/** A conversation in the page's list: titled by its first message. */
record ChatSummary(String id, String title, Instant updatedAt) {
  static final String UNTITLED = "New conversation";
}
