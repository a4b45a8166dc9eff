package dev.switchboard.job;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * At a time of day on every day, on weekdays (Monday to Friday) or on one day of the week, on the
 * clock of the zone. A time the clocks skip runs as much later as they jump, and a time they pass
 * twice runs on the first pass: java.time's resolution of a local time, once per day.
 */
record WeeklySchedule(Set<DayOfWeek> days, LocalTime time, ZoneId zone) implements JobSchedule {
  static final Set<DayOfWeek> EVERY_DAY = Set.copyOf(EnumSet.allOf(DayOfWeek.class));
  static final Set<DayOfWeek> WEEKDAYS =
      Set.copyOf(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

  WeeklySchedule {
    days = Set.copyOf(days);
    if (!(days.size() == 1 || days.equals(EVERY_DAY) || days.equals(WEEKDAYS))) {
      // the text has words for these three only
      throw new IllegalArgumentException("not every day, weekdays or one day: " + days);
    }
    time = time.truncatedTo(ChronoUnit.MINUTES);
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    // From the day before: a run the gap pushed past midnight, or an offset that differs between
    // `after` and the run, still counts. One time a day, so the first in date order is the next.
    LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate().minusDays(1);
    for (int i = 0; i < 9; i++, day = day.plusDays(1)) {
      if (days.contains(day.getDayOfWeek())) {
        Instant run = day.atTime(time).atZone(zone).toInstant();
        if (run.isAfter(after)) {
          return Optional.of(run);
        }
      }
    }
    throw new IllegalStateException("no run in nine days: " + this);
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public String text() {
    return "every " + daysWord() + " at " + time;
  }

  @Override
  public String describe() {
    return text() + " (" + zone + ")";
  }

  private String daysWord() {
    if (days.equals(EVERY_DAY)) {
      return "day";
    }
    if (days.equals(WEEKDAYS)) {
      return "weekday";
    }
    return days.iterator().next().name().toLowerCase(Locale.ROOT);
  }
}
