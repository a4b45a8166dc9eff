package dev.switchboard.platform.web;

import java.time.Instant;

/**
 * A message as the web page shows it. A reply being streamed is the same id with growing text.
 *
 * @param role {@code user} or {@code agent}
 */
record WebMessage(String id, String role, String text, Instant at) {
  static final String USER = "user";
  static final String AGENT = "agent";
}
