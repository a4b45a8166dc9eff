package dev.switchboard.job;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The runs of a schedule, written as the tests expect them: "2026-12-04T09:00+01:00". */
final class Runs {
  private Runs() {}

  /** Up to {@code count} runs after {@code after}, in the schedule's zone. */
  static List<String> after(JobSchedule schedule, Instant after, int count) {
    List<String> runs = new ArrayList<>();
    Instant cursor = after;
    for (int i = 0; i < count; i++) {
      Optional<Instant> next = schedule.nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      cursor = next.get();
      runs.add(cursor.atZone(schedule.zone()).toOffsetDateTime().toString());
    }
    return runs;
  }

  /** A local time in {@code zone}, at its first pass. */
  static Instant local(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  /** "2026-10-25T02:10+01:00": a moment with the offset that says which pass it is. */
  static Instant offset(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }
}
