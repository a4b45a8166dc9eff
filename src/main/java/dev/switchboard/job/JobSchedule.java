package dev.switchboard.job;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a scheduled job runs. Parsed once from what the user typed ({@link #parse}), kept as its
 * canonical {@link #text()} (which parses back to an equal schedule), and asked for the next run
 * after each run and after every restart ({@link #nextAfter}): nothing but the text and the zone
 * has to be stored.
 *
 * <p>The forms, case-insensitive, extra spaces ignored:
 *
 * <ul>
 *   <li>a 5-field cron expression, {@code 0 9 * * 1-5} ({@link CronSchedule});
 *   <li>{@code every 30m}, {@code every 2h}, {@code every 1d} (also {@code every 90 minutes}),
 *       anchored on their first run ({@link IntervalSchedule});
 *   <li>{@code every day at 09:00}, {@code every monday at 9:00}, {@code every weekday at 09:00}
 *       ({@link WeeklySchedule});
 *   <li>once: {@code in 20m}, {@code at 2026-12-24 18:00} ({@link OneShotSchedule}).
 * </ul>
 *
 * <p>Times of day follow the zone through daylight saving time. A time the clocks skip (02:30 on
 * the night they jump from 02:00 to 03:00) runs once, as much later as the jump, as java.time
 * resolves it (03:30); a time the clocks pass twice runs once, on the first pass. A cron
 * expression whose hour field is every hour counts real time instead, as cron does: nothing in the
 * skipped hour, both passes of the repeated one. Intervals count elapsed time from their first run,
 * which their text keeps ("every 2h from 2026-12-03 13:35"), so a restart does not move them.
 */
public sealed interface JobSchedule
    permits CronSchedule, IntervalSchedule, WeeklySchedule, OneShotSchedule {

  /**
   * Reads a schedule as the user typed it, or as {@link #text()} wrote it.
   *
   * @param zone the zone its times of day are in
   * @param now what "in 20m" counts from, what "every 2h" starts from, and what an "at" time must
   *     be after
   * @throws ScheduleException naming the text and the accepted forms when it is not a schedule,
   *     names a time already past, or would never run
   */
  static JobSchedule parse(String text, ZoneId zone, Instant now) {
    return new ScheduleParser(zone, now).parse(text);
  }

  /** The first run strictly after {@code after}; empty once a one-shot has passed. */
  Optional<Instant> nextAfter(Instant after);

  /** Whether it runs more than once. */
  boolean recurring();

  /** The canonical text, to store and to show: {@link #parse} reads it back to an equal value. */
  String text();

  /** The zone its times of day are in. */
  ZoneId zone();

  /** One short line for a list of jobs, with the zone: "every day at 09:00 (Europe/Berlin)". */
  String describe();
}
