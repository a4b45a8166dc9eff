package dev.switchboard.job;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A 5-field cron expression (minute, hour, day of month, month, day of week; cron-utils'
 * {@code CronType.UNIX}, where a day of month and a day of week both given mean either) on the
 * clock of the zone.
 *
 * <p>Daylight saving time, as cronie does it: an expression that names hours keeps its times of
 * day, so a time the clocks skip runs as much later as they jump (java.time's resolution: 02:30
 * becomes 03:30) and a time they pass twice runs on the first pass only; an expression whose hour
 * field is every hour counts real time instead, so it has no runs in the skipped hour and runs in
 * both passes of the repeated one ("0 * * * *" stays hourly).
 *
 * <p>Why not cron-utils' own answer in the zone: given a zone, {@code ExecutionTime} drops a time
 * the clocks skip ("30 2 * * *" has no run on that day) and runs in both passes of the repeated
 * hour for some expressions but not others. So the expression is evaluated on the wall clock alone
 * (cron-utils in UTC, which has no transitions) and each wall-clock time is turned into its moment
 * here.
 */
final class CronSchedule implements JobSchedule {
  static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Wide enough to hold every transition that could reorder the runs near a moment. */
  private static final Duration NEAR = Duration.ofDays(2);

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallClock;
  private final boolean everyHour;

  /** From an expression cron-utils has parsed with {@link #PARSER}. */
  CronSchedule(Cron cron, ZoneId zone) {
    this.expression = cron.asString();
    this.zone = zone;
    this.wallClock = ExecutionTime.forCron(cron);
    this.everyHour = hoursOfADay(expression.split(" ", 3)[1]) == 24;
  }

  /** How many hours of a day the hour field {@code hours} names. */
  private static int hoursOfADay(String hours) {
    ExecutionTime hourly = ExecutionTime.forCron(PARSER.parse("0 " + hours + " * * *"));
    ZonedDateTime midnight = LocalDate.of(2000, 1, 1).atStartOfDay(ZoneOffset.UTC);
    int count = 0;
    Optional<ZonedDateTime> run = hourly.nextExecution(midnight.minusMinutes(1));
    while (run.isPresent() && run.get().isBefore(midnight.plusDays(1))) {
      count++;
      run = hourly.nextExecution(run.get());
    }
    return count;
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    ZoneRules rules = zone.getRules();
    // The wall clock is not in step with the moments near a transition: a time in the gap just
    // before `after`'s wall-clock time is moved past it, and after the clocks go back, the second
    // pass of an earlier time comes after `after`. So the search starts as far back as the
    // largest transition near `after`, and goes on as far past the best run found so far: on
    // the night they go back, the first pass of 02:40 comes before the second pass of 02:10.
    LocalDateTime cursor =
        LocalDateTime.ofInstant(after, zone).minus(largestShiftNear(rules, after));
    @Nullable Instant best = null;
    LocalDateTime horizon = LocalDateTime.MAX;
    while (cursor.isBefore(horizon)) {
      Optional<ZonedDateTime> next = wallClock.nextExecution(cursor.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) {
        break;
      }
      cursor = next.get().toLocalDateTime();
      for (Instant run : moments(cursor, rules)) {
        if (run.isAfter(after) && (best == null || run.isBefore(best))) {
          best = run;
          horizon = LocalDateTime.ofInstant(best, zone).plus(largestShiftNear(rules, best));
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The moments a run at wall-clock time {@code local} happens at: none, one or two. */
  private List<Instant> moments(LocalDateTime local, ZoneRules rules) {
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition == null) {
      return List.of(local.toInstant(rules.getOffset(local)));
    }
    if (transition.isGap()) {
      return everyHour ? List.of() : List.of(local.atZone(zone).toInstant());
    }
    Instant firstPass = local.toInstant(transition.getOffsetBefore());
    return everyHour
        ? List.of(firstPass, local.toInstant(transition.getOffsetAfter()))
        : List.of(firstPass);
  }

  private static Duration largestShiftNear(ZoneRules rules, Instant moment) {
    Duration largest = Duration.ZERO;
    Instant end = moment.plus(NEAR);
    ZoneOffsetTransition t = rules.nextTransition(moment.minus(NEAR));
    while (t != null && t.getInstant().isBefore(end)) {
      Duration shift = t.getDuration().abs();
      if (shift.compareTo(largest) > 0) {
        largest = shift;
      }
      t = rules.nextTransition(t.getInstant());
    }
    return largest;
  }

  @Override
  public boolean recurring() {
    return true;
  }

  @Override
  public String text() {
    return expression;
  }

  @Override
  public ZoneId zone() {
    return zone;
  }

  @Override
  public String describe() {
    return "cron " + expression + " (" + zone + ")";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CronSchedule other
        && expression.equals(other.expression)
        && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return "CronSchedule[" + expression + ", " + zone + "]";
  }
}
