package dev.switchboard.lifecycle;

import dev.switchboard.http.SharedLogouts;
import dev.switchboard.platform.PlatformRecords;
import java.util.Optional;

/**
 * The logged-out login cookies in the store the gateways share: one record of the HTTP
 * server's, so the gateway that takes over refuses what was logged out on the one before.
 */
record StoredLogouts(PlatformRecords records) implements SharedLogouts {
  /** Whose records these are: the HTTP server's, which the web chat and admin page share. */
  static final String OWNER = "http";

  private static final String COLLECTION = "logouts";
  private static final String KEY = "cookies";

  @Override
  public Optional<String> read() {
    return records.get(COLLECTION, KEY).map(PlatformRecords.Entry::value);
  }

  @Override
  public void write(String record) {
    records.put(COLLECTION, KEY, record);
  }
}
