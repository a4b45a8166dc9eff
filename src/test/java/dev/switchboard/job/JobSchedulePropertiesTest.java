package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.time.ExecutionTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of every schedule at moments picked near changes of the clocks, in zones with unusual
 * ones: half-hour (Lord Howe) and two-hour (Troll) shifts, a skipped day (Apia, 2011), changes at
 * midnight (Sao Paulo, Santiago), a negative "summer" time (Dublin).
 */
class JobSchedulePropertiesTest {
  private static final List<ZoneId> ZONES = List.of(
          "Europe/Berlin",
          "America/New_York",
          "Australia/Lord_Howe",
          "Pacific/Apia",
          "America/Sao_Paulo",
          "America/Santiago",
          "Pacific/Chatham",
          "Europe/Dublin",
          "Antarctica/Troll",
          "Asia/Kolkata",
          "UTC")
      .stream()
      .map(ZoneId::of)
      .toList();

  private static final List<String> CRONS = List.of(
      "30 2 * * *",
      "*/7 * * * *",
      "0 * * * *",
      "10,40 * * * *",
      "0 */2 * * *",
      "15,45 0-3 * * *",
      "0,30 2,3 * * 0",
      "59 23 * * *",
      "0 0 * * *",
      "5 1 1 * *",
      "0 9 * * 1-5");

  private static final DateTimeFormatter TYPED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES);
  }

  /** A moment within six hours of a change of the clocks in 2005 to 2030, when the zone has one. */
  private static Arbitrary<Instant> nearATransition(ZoneId zone) {
    Arbitrary<Instant> somewhere = Arbitraries.longs()
        .between(
            Instant.parse("2005-01-01T00:00:00Z").getEpochSecond(),
            Instant.parse("2030-01-01T00:00:00Z").getEpochSecond())
        .map(Instant::ofEpochSecond);
    Arbitrary<Long> aside = Arbitraries.longs().between(-6 * 3600, 6 * 3600);
    return Combinators.combine(somewhere, aside).as((moment, seconds) -> {
      ZoneOffsetTransition next = zone.getRules().nextTransition(moment);
      return (next == null ? moment : next.getInstant()).plusSeconds(seconds);
    });
  }

  private static Arbitrary<String> timesOfDay() {
    return Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 4)),
                Tuple.of(1, Arbitraries.integers().between(0, 23))),
            Arbitraries.of(0, 15, 30, 45, 59, 7))
        .as((h, m) -> h + ":" + String.format(Locale.ROOT, "%02d", m));
  }

  private static Arbitrary<String> recurringTexts() {
    return Arbitraries.oneOf(
        Arbitraries.of(CRONS),
        timesOfDay().map(t -> "every day at " + t),
        timesOfDay().map(t -> "every weekday at " + t),
        Combinators.combine(Arbitraries.of("sunday", "sat", "monday"), timesOfDay())
            .as((d, t) -> "every " + d + " at " + t),
        Arbitraries.of("1m", "7m", "30m", "90m", "2h", "1d", "3d").map(i -> "every " + i));
  }

  record Case(String text, ZoneId zone, Instant after) {}

  @Provide
  Arbitrary<Case> recurring() {
    return zones()
        .flatMap(zone -> Combinators.combine(recurringTexts(), nearATransition(zone))
            .as((text, after) -> new Case(text, zone, after)));
  }

  @Property(tries = 400)
  void runsComeStrictlyAfterTheMomentAskedAndStrictlyIncrease(@ForAll("recurring") Case c) {
    JobSchedule schedule = JobSchedule.parse(c.text(), c.zone(), c.after());

    Instant previous = c.after();
    for (int i = 0; i < 30; i++) {
      Optional<Instant> next = schedule.nextAfter(previous);
      assertThat(next).as("run %d after %s", i, previous).isPresent();
      assertThat(next.get()).isAfter(previous);
      previous = next.get();
    }
  }

  @Property(tries = 400)
  void everyMomentBeforeTheNextRunHasTheSameNextRun(
      @ForAll("recurring") Case c, @ForAll @IntRange(min = 0, max = 999) int permille) {
    JobSchedule schedule = JobSchedule.parse(c.text(), c.zone(), c.after());
    Instant next = schedule.nextAfter(c.after()).orElseThrow();

    Instant between =
        c.after().plus(Duration.between(c.after(), next).multipliedBy(permille).dividedBy(1000));

    assertThat(schedule.nextAfter(between)).contains(next);
  }

  /**
   * The moments a cron schedule names, found the slow way: every wall-clock time it matches from
   * two days before {@code from} to two days after {@code to}, each turned into its moments with
   * java.time, sorted.
   */
  private static List<Instant> bruteForce(
      CronSchedule cron, boolean everyHour, Instant from, Instant to) {
    ZoneId zone = cron.zone();
    ExecutionTime wallClock = ExecutionTime.forCron(CronSchedule.PARSER.parse(cron.text()));
    Duration margin = Duration.ofDays(2);
    LocalDateTime end = LocalDateTime.ofInstant(to, zone).plus(margin);
    List<Instant> runs = new ArrayList<>();
    Optional<ZonedDateTime> match = wallClock.nextExecution(
        LocalDateTime.ofInstant(from, zone).minus(margin).atZone(ZoneOffset.UTC));
    while (match.isPresent() && match.get().toLocalDateTime().isBefore(end)) {
      LocalDateTime local = match.get().toLocalDateTime();
      int offsets = zone.getRules().getValidOffsets(local).size();
      ZonedDateTime first = local.atZone(zone); // later past a gap, the first of two passes
      if (offsets > 0 || !everyHour) {
        runs.add(first.toInstant());
      }
      if (offsets == 2 && everyHour) {
        runs.add(first.withLaterOffsetAtOverlap().toInstant());
      }
      match = wallClock.nextExecution(match.get());
    }
    return runs.stream()
        .filter(run -> run.isAfter(from) && !run.isAfter(to))
        .distinct()
        .sorted()
        .toList();
  }

  private static List<Instant> listed(JobSchedule schedule, Instant from, Instant to) {
    List<Instant> runs = new ArrayList<>();
    Optional<Instant> next = schedule.nextAfter(from);
    while (next.isPresent() && !next.get().isAfter(to)) {
      runs.add(next.get());
      next = schedule.nextAfter(next.get());
    }
    return runs;
  }

  @Provide
  Arbitrary<Case> crons() {
    return zones()
        .flatMap(zone -> Combinators.combine(Arbitraries.of(CRONS), nearATransition(zone))
            .as((text, after) -> new Case(text, zone, after)));
  }

  @Property(tries = 150)
  void aCronScheduleNamesTheRunsASearchOfTheWallClockFinds(@ForAll("crons") Case c) {
    CronSchedule cron = (CronSchedule) JobSchedule.parse(c.text(), c.zone(), c.after());
    boolean everyHour = c.text().split(" ")[1].equals("*");
    Instant to = c.after().plus(Duration.ofHours(12));

    assertThat(listed(cron, c.after(), to)).isEqualTo(bruteForce(cron, everyHour, c.after(), to));
  }

  @Provide
  Arbitrary<Case> dailyAndWeekdays() {
    Arbitrary<String> times = Combinators.combine(
            Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59))
        .as((h, m) -> String.format(Locale.ROOT, "%02d:%02d", h, m));
    return zones()
        .flatMap(zone -> Combinators.combine(
                Arbitraries.of("day", "weekday", "sunday"), times, nearATransition(zone))
            .as((days, time, after) -> new Case(days + " " + time, zone, after)));
  }

  @Property(tries = 300)
  void aWeeklyScheduleRunsWhenItsCronExpressionDoes(@ForAll("dailyAndWeekdays") Case c) {
    String days = c.text().split(" ")[0];
    String time = c.text().split(" ")[1];
    String[] hm = time.split(":");
    String cronDays = switch (days) {
      case "day" -> "*";
      case "weekday" -> "1-5";
      default -> "0";
    };
    JobSchedule weekly = JobSchedule.parse("every " + days + " at " + time, c.zone(), c.after());
    JobSchedule cron = JobSchedule.parse(
        Integer.parseInt(hm[1]) + " " + Integer.parseInt(hm[0]) + " * * " + cronDays,
        c.zone(),
        c.after());
    Instant to = c.after().plus(Duration.ofDays(9));

    assertThat(listed(weekly, c.after(), to)).isEqualTo(listed(cron, c.after(), to));
  }

  /** What a user might type: each form, mixed case, spaces anywhere they are allowed. */
  @Provide
  Arbitrary<Case> typed() {
    return zones()
        .flatMap(zone -> nearATransition(zone).flatMap(now -> {
          String localNow = LocalDateTime.ofInstant(now, zone).format(TYPED);
          String localLater =
              LocalDateTime.ofInstant(now.plus(Duration.ofMinutes(7)), zone).format(TYPED);
          Arbitrary<String> forms = Arbitraries.oneOf(
              recurringTexts(),
              Arbitraries.of("20m", "1 minute", "2 hours", "3d", "45 mins").map(a -> "in " + a),
              Arbitraries.of("at " + localLater),
              Arbitraries.of("every 2h from " + localNow, "every 25m from " + localLater));
          return Combinators.combine(forms, mangling())
              .as((text, mangle) -> new Case(mangle.apply(text), zone, now));
        }));
  }

  private static Arbitrary<UnaryOperator<String>> mangling() {
    return Combinators.combine(
            Arbitraries.of(" ", "  ", "\t", " \t "),
            Arbitraries.of("", " ", "  "),
            Arbitraries.of(true, false))
        .as((gap, edge, upper) -> text -> {
          String spaced = edge + text.replace(" ", gap) + edge;
          return upper ? spaced.toUpperCase(Locale.ROOT) : spaced;
        });
  }

  @Property(tries = 500)
  void theCanonicalTextReadsBackToTheSameScheduleAndTheSameText(@ForAll("typed") Case c) {
    JobSchedule schedule = JobSchedule.parse(c.text(), c.zone(), c.after());
    JobSchedule again = JobSchedule.parse(schedule.text(), c.zone(), c.after());

    assertThat(again).isEqualTo(schedule);
    assertThat(again.text()).isEqualTo(schedule.text());
    assertThat(again.nextAfter(c.after())).isEqualTo(schedule.nextAfter(c.after()));
  }

  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> noise = Arbitraries.strings()
        .withChars("0123456789*/,-:? #LW+tTzZ\tadefhimnorstwyADFMNOTW")
        .ofMaxLength(30);
    return Arbitraries.oneOf(
        noise,
        noise.map(n -> "every " + n),
        noise.map(n -> "in " + n),
        noise.map(n -> "at " + n),
        noise.map(n -> "every " + n + " at " + n),
        noise.map(n -> "every 2h from " + n),
        noise.map(n -> "0 9 * * " + n));
  }

  @Property(tries = 3000)
  void whateverIsTypedIsEitherAScheduleOrAScheduleException(@ForAll("junk") String text) {
    Instant now = Instant.parse("2026-12-03T10:35:42Z");
    JobSchedule schedule;
    try {
      schedule = JobSchedule.parse(text, ZoneId.of("Europe/Berlin"), now);
    } catch (ScheduleException e) {
      assertThat(e.getMessage()).contains("\"" + text.strip().replaceAll("\\s+", " ") + "\"");
      return;
    }
    assertThat(JobSchedule.parse(schedule.text(), schedule.zone(), now)).isEqualTo(schedule);
  }
}
