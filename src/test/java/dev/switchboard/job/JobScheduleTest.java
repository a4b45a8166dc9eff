package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A Thursday, 11:35:42 in Berlin, 05:35:42 in New York. */
  private static final Instant NOW = Instant.parse("2026-12-03T10:35:42Z");

  static Stream<Arguments> schedules() {
    return Stream.of(
        row(
            "0 9 * * 1-5",
            BERLIN,
            "0 9 * * 1-5",
            "cron 0 9 * * 1-5 (Europe/Berlin)",
            "2026-12-04T09:00+01:00",
            "2026-12-07T09:00+01:00",
            "2026-12-08T09:00+01:00"),
        row(
            "  0   9 * *   MON-FRI ",
            BERLIN,
            "0 9 * * 1-5",
            "cron 0 9 * * 1-5 (Europe/Berlin)",
            "2026-12-04T09:00+01:00",
            "2026-12-07T09:00+01:00",
            "2026-12-08T09:00+01:00"),
        row(
            "*/15 * * * *",
            BERLIN,
            "*/15 * * * *",
            "cron */15 * * * * (Europe/Berlin)",
            "2026-12-03T11:45+01:00",
            "2026-12-03T12:00+01:00",
            "2026-12-03T12:15+01:00"),
        row(
            "0 0 1 * *",
            BERLIN,
            "0 0 1 * *",
            "cron 0 0 1 * * (Europe/Berlin)",
            "2027-01-01T00:00+01:00",
            "2027-02-01T00:00+01:00",
            "2027-03-01T00:00+01:00"),
        row(
            "0 9 * * 7",
            BERLIN,
            "0 9 * * 0",
            "cron 0 9 * * 0 (Europe/Berlin)",
            "2026-12-06T09:00+01:00",
            "2026-12-13T09:00+01:00",
            "2026-12-20T09:00+01:00"),
        row(
            "30 8 1 * mon",
            BERLIN,
            "30 8 1 * 1",
            "cron 30 8 1 * 1 (Europe/Berlin)",
            "2026-12-07T08:30+01:00",
            "2026-12-14T08:30+01:00",
            "2026-12-21T08:30+01:00"),
        row(
            "0 12 * * *",
            ZoneId.of("UTC"),
            "0 12 * * *",
            "cron 0 12 * * * (UTC)",
            "2026-12-03T12:00Z",
            "2026-12-04T12:00Z",
            "2026-12-05T12:00Z"),
        row(
            "every 30m",
            BERLIN,
            "every 30m from 2026-12-03 12:05",
            "every 30m from 2026-12-03 12:05 (Europe/Berlin)",
            "2026-12-03T12:05+01:00",
            "2026-12-03T12:35+01:00",
            "2026-12-03T13:05+01:00"),
        row(
            "EVERY 2H",
            BERLIN,
            "every 2h from 2026-12-03 13:35",
            "every 2h from 2026-12-03 13:35 (Europe/Berlin)",
            "2026-12-03T13:35+01:00",
            "2026-12-03T15:35+01:00",
            "2026-12-03T17:35+01:00"),
        row(
            "every 2 hours",
            BERLIN,
            "every 2h from 2026-12-03 13:35",
            "every 2h from 2026-12-03 13:35 (Europe/Berlin)",
            "2026-12-03T13:35+01:00",
            "2026-12-03T15:35+01:00",
            "2026-12-03T17:35+01:00"),
        row(
            "every 90 minutes",
            BERLIN,
            "every 90m from 2026-12-03 13:05",
            "every 90m from 2026-12-03 13:05 (Europe/Berlin)",
            "2026-12-03T13:05+01:00",
            "2026-12-03T14:35+01:00",
            "2026-12-03T16:05+01:00"),
        row(
            "every 120m",
            BERLIN,
            "every 2h from 2026-12-03 13:35",
            "every 2h from 2026-12-03 13:35 (Europe/Berlin)",
            "2026-12-03T13:35+01:00",
            "2026-12-03T15:35+01:00",
            "2026-12-03T17:35+01:00"),
        row(
            "every 1d",
            BERLIN,
            "every 1d from 2026-12-04 11:35",
            "every 1d from 2026-12-04 11:35 (Europe/Berlin)",
            "2026-12-04T11:35+01:00",
            "2026-12-05T11:35+01:00",
            "2026-12-06T11:35+01:00"),
        row(
            "every 48h",
            BERLIN,
            "every 2d from 2026-12-05 11:35",
            "every 2d from 2026-12-05 11:35 (Europe/Berlin)",
            "2026-12-05T11:35+01:00",
            "2026-12-07T11:35+01:00",
            "2026-12-09T11:35+01:00"),
        row(
            "every 1m",
            BERLIN,
            "every 1m from 2026-12-03 11:36",
            "every 1m from 2026-12-03 11:36 (Europe/Berlin)",
            "2026-12-03T11:36+01:00",
            "2026-12-03T11:37+01:00",
            "2026-12-03T11:38+01:00"),
        row(
            "every 2h from 2026-12-03 08:00",
            BERLIN,
            "every 2h from 2026-12-03 08:00",
            "every 2h from 2026-12-03 08:00 (Europe/Berlin)",
            "2026-12-03T12:00+01:00",
            "2026-12-03T14:00+01:00",
            "2026-12-03T16:00+01:00"),
        row(
            "every day at 9:00",
            BERLIN,
            "every day at 09:00",
            "every day at 09:00 (Europe/Berlin)",
            "2026-12-04T09:00+01:00",
            "2026-12-05T09:00+01:00",
            "2026-12-06T09:00+01:00"),
        row(
            "Every  Day AT 18:30",
            BERLIN,
            "every day at 18:30",
            "every day at 18:30 (Europe/Berlin)",
            "2026-12-03T18:30+01:00",
            "2026-12-04T18:30+01:00",
            "2026-12-05T18:30+01:00"),
        row(
            "every day at 09:00",
            NEW_YORK,
            "every day at 09:00",
            "every day at 09:00 (America/New_York)",
            "2026-12-03T09:00-05:00",
            "2026-12-04T09:00-05:00",
            "2026-12-05T09:00-05:00"),
        row(
            "every monday at 08:15",
            BERLIN,
            "every monday at 08:15",
            "every monday at 08:15 (Europe/Berlin)",
            "2026-12-07T08:15+01:00",
            "2026-12-14T08:15+01:00",
            "2026-12-21T08:15+01:00"),
        row(
            "every FRI at 7:05",
            BERLIN,
            "every friday at 07:05",
            "every friday at 07:05 (Europe/Berlin)",
            "2026-12-04T07:05+01:00",
            "2026-12-11T07:05+01:00",
            "2026-12-18T07:05+01:00"),
        row(
            "every sunday at 23:59",
            BERLIN,
            "every sunday at 23:59",
            "every sunday at 23:59 (Europe/Berlin)",
            "2026-12-06T23:59+01:00",
            "2026-12-13T23:59+01:00",
            "2026-12-20T23:59+01:00"),
        row(
            "every weekday at 09:00",
            BERLIN,
            "every weekday at 09:00",
            "every weekday at 09:00 (Europe/Berlin)",
            "2026-12-04T09:00+01:00",
            "2026-12-07T09:00+01:00",
            "2026-12-08T09:00+01:00"),
        row(
            "in 20m",
            BERLIN,
            "at 2026-12-03 11:55",
            "once at 2026-12-03 11:55 (Europe/Berlin)",
            "2026-12-03T11:55+01:00"),
        row(
            "in 2h",
            BERLIN,
            "at 2026-12-03 13:35",
            "once at 2026-12-03 13:35 (Europe/Berlin)",
            "2026-12-03T13:35+01:00"),
        row(
            "In 1 Day",
            BERLIN,
            "at 2026-12-04 11:35",
            "once at 2026-12-04 11:35 (Europe/Berlin)",
            "2026-12-04T11:35+01:00"),
        row(
            "at 2026-12-24 18:00",
            BERLIN,
            "at 2026-12-24 18:00",
            "once at 2026-12-24 18:00 (Europe/Berlin)",
            "2026-12-24T18:00+01:00"),
        row(
            "AT 2026-12-24T18:00",
            NEW_YORK,
            "at 2026-12-24 18:00",
            "once at 2026-12-24 18:00 (America/New_York)",
            "2026-12-24T18:00-05:00"),
        row(
            "at 2026-12-03 11:36",
            BERLIN,
            "at 2026-12-03 11:36",
            "once at 2026-12-03 11:36 (Europe/Berlin)",
            "2026-12-03T11:36+01:00"));
  }

  private static Arguments row(
      String typed, ZoneId zone, String text, String describe, String... runs) {
    return Arguments.of(typed, zone, text, describe, List.of(runs));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" in {1}")
  @MethodSource("schedules")
  void parsesToItsCanonicalTextDescriptionAndRuns(
      String typed, ZoneId zone, String text, String describe, List<String> runs) {
    JobSchedule schedule = JobSchedule.parse(typed, zone, NOW);

    assertThat(schedule.text()).isEqualTo(text);
    assertThat(schedule.describe()).isEqualTo(describe);
    assertThat(schedule.zone()).isEqualTo(zone);
    assertThat(schedule.recurring()).isEqualTo(runs.size() > 1);
    assertThat(Runs.after(schedule, NOW, 3)).isEqualTo(runs);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" in {1}")
  @MethodSource("schedules")
  void theCanonicalTextReadsBackToAnEqualSchedule(
      String typed, ZoneId zone, String text, String describe, List<String> runs) {
    JobSchedule schedule = JobSchedule.parse(typed, zone, NOW);
    JobSchedule again = JobSchedule.parse(schedule.text(), zone, NOW);

    assertThat(again).isEqualTo(schedule).hasSameHashCodeAs(schedule);
    assertThat(again.text()).isEqualTo(text);
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("", "Schedule \"\" is empty."),
        Arguments.of("   ", "Schedule \"\" is empty."),
        Arguments.of("tomorrow", "Schedule \"tomorrow\" is not a schedule."),
        Arguments.of(
            " every\t30\n seconds ",
            "Schedule \"every 30 seconds\" counts seconds: the shortest interval is 1m."),
        Arguments.of("daily at 9:00", "Schedule \"daily at 9:00\" is not a schedule."),
        Arguments.of(
            "61 9 * * *",
            "Schedule \"61 9 * * *\" is not a valid cron expression: Value 61 not in range"
                + " [0, 59]."),
        Arguments.of(
            "0 25 * * *",
            "Schedule \"0 25 * * *\" is not a valid cron expression: Value 25 not in range"
                + " [0, 23]."),
        Arguments.of(
            "0 9 * * 8",
            "Schedule \"0 9 * * 8\" is not a valid cron expression: Value 8 not in range"
                + " [0, 7]."),
        Arguments.of(
            "0 0 9 * * ?",
            "Schedule \"0 0 9 * * ?\" has 6 fields: cron expressions here have 5 (minute hour"
                + " day-of-month month day-of-week), without seconds or year."),
        Arguments.of(
            "0 0 9 * * ? 2027",
            "Schedule \"0 0 9 * * ? 2027\" has 7 fields: cron expressions here have 5 (minute"
                + " hour day-of-month month day-of-week), without seconds or year."),
        Arguments.of(
            "0 9 * *",
            "Schedule \"0 9 * *\" has 4 fields: a cron expression has 5 (minute hour"
                + " day-of-month month day-of-week)."),
        Arguments.of("0 9 * * 0-/", "Schedule \"0 9 * * 0-/\" is not a valid cron expression."),
        Arguments.of("0 9 30 2 *", "Schedule \"0 9 30 2 *\" never runs."),
        Arguments.of(
            "every 0m", "Schedule \"every 0m\" is too short: the shortest interval is 1m."),
        Arguments.of(
            "every 30s", "Schedule \"every 30s\" counts seconds: the shortest interval is 1m."),
        Arguments.of("every 2w", "Schedule \"every 2w\" has an unknown unit \"w\": use m, h or d."),
        Arguments.of(
            "every 400d", "Schedule \"every 400d\" is too long: the longest interval is 365d."),
        Arguments.of("every 30", "Schedule \"every 30\" has no unit: use m, h or d."),
        Arguments.of("in 0h", "Schedule \"in 0h\" is too short: the shortest interval is 1m."),
        Arguments.of("in a while", "Schedule \"in a while\" is not a schedule."),
        Arguments.of(
            "at 2026-13-01 10:00",
            "Schedule \"at 2026-13-01 10:00\" has no such date or time (YYYY-MM-DD HH:MM)."),
        Arguments.of(
            "at 2026-02-30 10:00",
            "Schedule \"at 2026-02-30 10:00\" has no such date or time (YYYY-MM-DD HH:MM)."),
        Arguments.of(
            "at 2026-12-01 10:00",
            "Schedule \"at 2026-12-01 10:00\" is in the past (it is 2026-12-03 11:35 in"
                + " Europe/Berlin now)."),
        Arguments.of(
            "at 2026-12-03 11:35",
            "Schedule \"at 2026-12-03 11:35\" is in the past (it is 2026-12-03 11:35 in"
                + " Europe/Berlin now)."),
        Arguments.of(
            "at tomorrow",
            "Schedule \"at tomorrow\" has no date and time of the form 2026-12-24 18:00."),
        Arguments.of(
            "at 2026-12-24 18:00 +05:00",
            "Schedule \"at 2026-12-24 18:00 +05:00\" gives an offset Europe/Berlin does not"
                + " have at that time."),
        Arguments.of(
            "at 2026-12-24 18:00 +25:00",
            "Schedule \"at 2026-12-24 18:00 +25:00\" has no such offset (+HH:MM, -18:00 to"
                + " +18:00)."),
        Arguments.of(
            "every Funday at 09:00",
            "Schedule \"every Funday at 09:00\" names no day: \"funday\" (use day, weekday,"
                + " monday to sunday or mon to sun)."),
        Arguments.of(
            "every day at 25:00",
            "Schedule \"every day at 25:00\" has no time of day: \"25:00\" (use H:MM or HH:MM,"
                + " 00:00 to 23:59)."),
        Arguments.of(
            "every day at 9",
            "Schedule \"every day at 9\" has no time of day: \"9\" (use H:MM or HH:MM, 00:00 to"
                + " 23:59)."));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("mistakes")
  void aMistakeIsToldQuotingTheTextAndListingTheForms(String typed, String firstLine) {
    assertThatThrownBy(() -> JobSchedule.parse(typed, BERLIN, NOW))
        .isInstanceOf(ScheduleException.class)
        .hasMessage(firstLine + "\n" + ScheduleException.ACCEPTED);
  }

  @Test
  void theListOfFormsIsOneLineThatNamesEachForm() {
    assertThat(ScheduleException.ACCEPTED)
        .doesNotContain("\n")
        .contains("0 9 * * 1-5", "every 30m", "every day at", "every monday at")
        .contains("every weekday at", "in 20m", "at 2026-12-24 18:00");
  }

  @Test
  void aOneShotHasNoRunOnceItsTimeHasPassed() {
    JobSchedule once = JobSchedule.parse("in 20m", BERLIN, NOW);
    Instant at = Runs.local("2026-12-03T11:55", BERLIN);

    assertThat(once.nextAfter(at.minusSeconds(1))).contains(at);
    assertThat(once.nextAfter(at)).isEmpty();
    assertThat(once.nextAfter(at.plusSeconds(3600))).isEmpty();
  }

  @Test
  void anIntervalKeepsItsRunsAcrossARestartALateRunAndAMissedOne() {
    String stored = JobSchedule.parse("every 2h", BERLIN, NOW).text();
    Instant restart = NOW.plusSeconds(5 * 3600 + 17);

    JobSchedule reloaded = JobSchedule.parse(stored, BERLIN, restart);

    // anchored at 13:35: 17:35 and 19:35 follow whatever time the process came back at
    assertThat(Runs.after(reloaded, restart, 2))
        .containsExactly("2026-12-03T17:35+01:00", "2026-12-03T19:35+01:00");
    assertThat(reloaded.nextAfter(Runs.local("2026-12-03T15:36:30", BERLIN)))
        .contains(Runs.local("2026-12-03T17:35", BERLIN));
  }

  @Test
  void anIntervalWhoseFirstRunIsAheadWaitsForIt() {
    JobSchedule schedule = JobSchedule.parse("every 1d from 2026-12-24 18:00", BERLIN, NOW);

    assertThat(Runs.after(schedule, NOW, 2))
        .containsExactly("2026-12-24T18:00+01:00", "2026-12-25T18:00+01:00");
  }

  @Test
  void aCronExpressionIsKeptInCronUtilsCanonicalSpelling() {
    assertThat(JobSchedule.parse("0,30 9-17 * JAN-MAR mon-fri", BERLIN, NOW).text())
        .isEqualTo("0,30 9-17 * 1-3 1-5");
    assertThat(JobSchedule.parse("*/15 */1 * * *", BERLIN, NOW).text()).isEqualTo("*/15 * * * *");
  }

  @Test
  void theSameTextInAnotherZoneIsAnotherSchedule() {
    assertThat(JobSchedule.parse("every day at 09:00", BERLIN, NOW))
        .isNotEqualTo(JobSchedule.parse("every day at 09:00", NEW_YORK, NOW));
    assertThat(JobSchedule.parse("0 9 * * *", BERLIN, NOW))
        .isNotEqualTo(JobSchedule.parse("0 9 * * *", NEW_YORK, NOW));
  }
}
