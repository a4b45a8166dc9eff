package dev.switchboard.job;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** A job's time as its chat reads it: "Thu 3 Dec 2026 09:00", in the job's zone. */
final class When {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);

  private When() {}

  static String of(Instant at, ZoneId zone) {
    return FORMAT.format(at.atZone(zone));
  }
}
