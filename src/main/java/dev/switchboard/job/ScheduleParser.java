package dev.switchboard.job;

import com.cronutils.model.Cron;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The grammar of {@link JobSchedule#parse}; one instance per call, for its zone and its now. */
final class ScheduleParser {
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern AMOUNT = Pattern.compile("(\\d{1,9}) ?([a-z]+)");
  private static final Pattern INTERVAL = Pattern.compile("(\\d{1,9}) ?([a-z]+)(?: from (.+))?");
  private static final Pattern DAY_AT = Pattern.compile("([a-z]+) at (.+)");
  private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})");

  private final ZoneId zone;
  private final Instant now;

  ScheduleParser(ZoneId zone, Instant now) {
    this.zone = zone;
    this.now = now;
  }

  JobSchedule parse(String typed) {
    // quoted in messages as typed, but on one line
    String shown = SPACES.matcher(typed.strip()).replaceAll(" ");
    String text = shown.toLowerCase(Locale.ROOT);
    if (text.isEmpty()) {
      throw new ScheduleException(shown, "is empty");
    }
    if (text.startsWith("every ")) {
      return every(shown, text.substring("every ".length()));
    }
    if (text.startsWith("in ")) {
      return in(shown, text.substring("in ".length()));
    }
    if (text.startsWith("at ")) {
      return at(shown, text.substring("at ".length()));
    }
    return cron(shown, text);
  }

  private JobSchedule every(String shown, String rest) {
    Matcher interval = INTERVAL.matcher(rest);
    if (interval.matches()) {
      Duration every = amount(shown, interval.group(1), interval.group(2));
      String from = interval.group(3);
      Instant first = from == null ? now.plus(every) : moment(shown, from);
      return new IntervalSchedule(every, first, zone);
    }
    Matcher dayAt = DAY_AT.matcher(rest);
    if (dayAt.matches()) {
      return new WeeklySchedule(days(shown, dayAt.group(1)), time(shown, dayAt.group(2)), zone);
    }
    if (rest.chars().allMatch(Character::isDigit)) {
      throw new ScheduleException(shown, "has no unit: use m, h or d");
    }
    throw unknownForm(shown);
  }

  private JobSchedule in(String shown, String rest) {
    Matcher amount = AMOUNT.matcher(rest);
    if (!amount.matches()) {
      throw unknownForm(shown);
    }
    return new OneShotSchedule(now.plus(amount(shown, amount.group(1), amount.group(2))), zone);
  }

  private JobSchedule at(String shown, String rest) {
    Instant at = moment(shown, rest);
    OneShotSchedule once = new OneShotSchedule(at, zone);
    if (once.nextAfter(now).isEmpty()) {
      throw new ScheduleException(
          shown, "is in the past (it is " + LocalStamp.format(now, zone) + " in " + zone + " now)");
    }
    return once;
  }

  private JobSchedule cron(String shown, String text) {
    int fields = text.split(" ", -1).length;
    if (fields == 6 || fields == 7) {
      throw new ScheduleException(
          shown,
          "has " + fields + " fields: cron expressions here have 5 (minute hour day-of-month"
              + " month day-of-week), without seconds or year");
    }
    if (fields != 5) {
      char first = text.charAt(0);
      if (Character.isDigit(first) || first == '*') {
        throw new ScheduleException(
            shown,
            "has " + fields + " fields: a cron expression has 5 (minute hour day-of-month month"
                + " day-of-week)");
      }
      throw unknownForm(shown);
    }
    Cron cron;
    try {
      cron = CronSchedule.PARSER.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ScheduleException(shown, "is not a valid cron expression: " + cronProblem(e));
    } catch (RuntimeException e) {
      // cron-utils 9.2.1 fails on some broken fields with other exceptions ("0-/": an
      // ArrayIndexOutOfBoundsException) whose messages say nothing to a user
      throw new ScheduleException(shown, "is not a valid cron expression");
    }
    CronSchedule schedule = new CronSchedule(cron, zone);
    if (schedule.nextAfter(now).isEmpty()) {
      throw new ScheduleException(shown, "never runs");
    }
    return schedule;
  }

  /** cron-utils' message without its preamble: "Value 61 not in range [0, 59]". */
  private static String cronProblem(IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    String preamble = "Failed to parse cron expression. ";
    return message.startsWith(preamble) ? message.substring(preamble.length()) : message;
  }

  private Duration amount(String shown, String number, String unit) {
    long minutesPerUnit = switch (unit) {
      case "m", "min", "mins", "minute", "minutes" -> 1;
      case "h", "hr", "hrs", "hour", "hours" -> 60;
      case "d", "day", "days" -> 24 * 60;
      case "s", "sec", "secs", "second", "seconds" ->
        throw new ScheduleException(shown, "counts seconds: the shortest interval is 1m");
      default ->
        throw new ScheduleException(shown, "has an unknown unit \"" + unit + "\": use m, h or d");
    };
    Duration amount = Duration.ofMinutes(Long.parseLong(number) * minutesPerUnit);
    if (amount.compareTo(IntervalSchedule.SHORTEST) < 0) {
      throw new ScheduleException(shown, "is too short: the shortest interval is 1m");
    }
    if (amount.compareTo(IntervalSchedule.LONGEST) > 0) {
      throw new ScheduleException(shown, "is too long: the longest interval is 365d");
    }
    return amount;
  }

  private Instant moment(String shown, String text) {
    @Nullable Instant moment;
    try {
      moment = LocalStamp.parse(text, zone, now);
    } catch (DateTimeException e) {
      throw new ScheduleException(shown, String.valueOf(e.getMessage()));
    }
    if (moment == null) {
      throw new ScheduleException(shown, "has no date and time of the form 2026-12-24 18:00");
    }
    return moment.truncatedTo(ChronoUnit.MINUTES);
  }

  private static Set<DayOfWeek> days(String shown, String word) {
    if (word.equals("day")) {
      return WeeklySchedule.EVERY_DAY;
    }
    if (word.equals("weekday")) {
      return WeeklySchedule.WEEKDAYS;
    }
    for (DayOfWeek day : DayOfWeek.values()) {
      String name = day.name().toLowerCase(Locale.ROOT);
      if (word.equals(name) || word.equals(name.substring(0, 3))) {
        return Set.of(day);
      }
    }
    throw new ScheduleException(
        shown, "names no day: \"" + word + "\" (use day, weekday, monday to sunday or mon to sun)");
  }

  private static LocalTime time(String shown, String text) {
    Matcher m = TIME.matcher(text);
    if (m.matches()) {
      int hour = Integer.parseInt(m.group(1));
      int minute = Integer.parseInt(m.group(2));
      if (hour < 24 && minute < 60) {
        return LocalTime.of(hour, minute);
      }
    }
    throw new ScheduleException(
        shown, "has no time of day: \"" + text + "\" (use H:MM or HH:MM, 00:00 to 23:59)");
  }

  private static ScheduleException unknownForm(String shown) {
    return new ScheduleException(shown, "is not a schedule");
  }
}
