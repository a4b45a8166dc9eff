package dev.switchboard.http;

import java.util.Optional;

/**
 * Where the logged-out login cookies are kept besides the state directory's {@code web_logouts}:
 * the store that several gateways share, so that a cookie logged out on one is refused by the
 * one that takes over after it. The record is text in {@code web_logouts}'s format. A store
 * that cannot be reached throws {@link java.io.UncheckedIOException}.
 */
public interface SharedLogouts {
  /** The record, if one was written. */
  Optional<String> read();

  /** Replaces the record. */
  void write(String record);
}
