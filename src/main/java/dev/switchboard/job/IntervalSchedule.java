package dev.switchboard.job;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Every {@code every} of elapsed time, anchored on the first run: the runs are {@code first},
 * {@code first + every}, {@code first + 2 * every}, and so on. The anchor is part of the text
 * ("every 2h from 2026-12-03 13:35"), so a restart, a late run or a missed one never shifts the
 * runs that follow. "every 2h" typed without "from" starts one interval after it was typed.
 *
 * <p>Elapsed time, not the clock on the wall: across a change to or from daylight saving time
 * "every 1d" keeps 24 hours between runs, and its time of day moves by an hour; "every day at
 * 09:00" is the form that keeps the time of day.
 */
record IntervalSchedule(Duration every, Instant first, ZoneId zone) implements JobSchedule {
  static final Duration SHORTEST = Duration.ofMinutes(1);
  static final Duration LONGEST = Duration.ofDays(365);

  IntervalSchedule {
    if (every.compareTo(SHORTEST) < 0
        || every.compareTo(LONGEST) > 0
        || !every.equals(every.truncatedTo(ChronoUnit.MINUTES))) {
      throw new IllegalArgumentException("interval out of range: " + every);
    }
    first = first.truncatedTo(ChronoUnit.MINUTES);
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    if (after.isBefore(first)) {
      return Optional.of(first);
    }
    long passed = Duration.between(first, after).dividedBy(every);
    return Optional.of(first.plus(every.multipliedBy(passed + 1)));
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public String text() {
    return "every " + spoken(every) + " from " + LocalStamp.format(first, zone);
  }

  @Override
  public String describe() {
    return text() + " (" + zone + ")";
  }

  /** In the largest of d, h and m that says it in whole units: 90m, 2h, 1d. */
  static String spoken(Duration d) {
    long minutes = d.toMinutes();
    if (minutes % (24 * 60) == 0) {
      return minutes / (24 * 60) + "d";
    }
    if (minutes % 60 == 0) {
      return minutes / 60 + "h";
    }
    return minutes + "m";
  }
}
