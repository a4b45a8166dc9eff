package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schedules across the changes to and from daylight saving time. Europe/Berlin jumps from 02:00 to
 * 03:00 on Sunday 2027-03-28 and goes back from 03:00 to 02:00 on Sunday 2026-10-25;
 * America/New_York jumps on Sunday 2027-03-14 and goes back from 02:00 to 01:00 on Sunday
 * 2026-11-01.
 */
class JobScheduleDstTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static Stream<Arguments> wallClockSchedules() {
    return Stream.of(
        // a skipped time runs once, as much later as the clocks jump
        row(
            "every day at 02:30",
            BERLIN,
            "2027-03-27T12:00",
            "2027-03-27T02:30+01:00",
            "2027-03-28T03:30+02:00",
            "2027-03-29T02:30+02:00"),
        row(
            "every sunday at 02:30",
            BERLIN,
            "2027-03-20T12:00",
            "2027-03-21T02:30+01:00",
            "2027-03-28T03:30+02:00",
            "2027-04-04T02:30+02:00"),
        row(
            "30 2 * * *",
            BERLIN,
            "2027-03-27T12:00",
            "2027-03-27T02:30+01:00",
            "2027-03-28T03:30+02:00",
            "2027-03-29T02:30+02:00"),
        row(
            "30 2 * * 0",
            BERLIN,
            "2027-03-20T12:00",
            "2027-03-21T02:30+01:00",
            "2027-03-28T03:30+02:00",
            "2027-04-04T02:30+02:00"),
        row(
            "every day at 02:30",
            NEW_YORK,
            "2027-03-13T12:00",
            "2027-03-13T02:30-05:00",
            "2027-03-14T03:30-04:00",
            "2027-03-15T02:30-04:00"),
        row(
            "every sun at 2:30",
            NEW_YORK,
            "2027-03-07T12:00",
            "2027-03-07T02:30-05:00",
            "2027-03-14T03:30-04:00",
            "2027-03-21T02:30-04:00"),
        row(
            "30 2 * * *",
            NEW_YORK,
            "2027-03-13T12:00",
            "2027-03-13T02:30-05:00",
            "2027-03-14T03:30-04:00",
            "2027-03-15T02:30-04:00"),
        // a time the clocks pass twice runs once, on the first pass
        row(
            "every day at 02:30",
            BERLIN,
            "2026-10-24T12:00",
            "2026-10-24T02:30+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-26T02:30+01:00"),
        row(
            "every sunday at 02:30",
            BERLIN,
            "2026-10-18T12:00",
            "2026-10-18T02:30+02:00",
            "2026-10-25T02:30+02:00",
            "2026-11-01T02:30+01:00"),
        row(
            "30 2 * * *",
            BERLIN,
            "2026-10-24T12:00",
            "2026-10-24T02:30+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-26T02:30+01:00"),
        row(
            "every day at 01:30",
            NEW_YORK,
            "2026-10-31T12:00",
            "2026-10-31T01:30-04:00",
            "2026-11-01T01:30-04:00",
            "2026-11-02T01:30-05:00"),
        row(
            "every weekday at 01:30",
            NEW_YORK,
            "2026-10-30T12:00",
            "2026-10-30T01:30-04:00",
            "2026-11-02T01:30-05:00",
            "2026-11-03T01:30-05:00"),
        row(
            "every sunday at 01:30",
            NEW_YORK,
            "2026-10-25T12:00",
            "2026-10-25T01:30-04:00",
            "2026-11-01T01:30-04:00",
            "2026-11-08T01:30-05:00"),
        row(
            "30 1 * * 0",
            NEW_YORK,
            "2026-10-25T12:00",
            "2026-10-25T01:30-04:00",
            "2026-11-01T01:30-04:00",
            "2026-11-08T01:30-05:00"),
        // times that land on one moment after the jump run once
        row(
            "0,30 2,3 * * *",
            BERLIN,
            "2027-03-28T00:00",
            "2027-03-27T03:30+01:00",
            "2027-03-28T03:00+02:00",
            "2027-03-28T03:30+02:00",
            "2027-03-29T02:00+02:00"),
        // 02:50 becomes 03:50, which comes after the real 03:10
        row(
            "10,50 2,3 * * *",
            BERLIN,
            "2027-03-28T00:00",
            "2027-03-27T03:50+01:00",
            "2027-03-28T03:10+02:00",
            "2027-03-28T03:50+02:00",
            "2027-03-29T02:10+02:00"),
        // an expression for every hour counts real time: nothing in the gap, both passes
        row(
            "*/30 * * * *",
            BERLIN,
            "2027-03-28T01:15",
            "2027-03-28T01:00+01:00",
            "2027-03-28T01:30+01:00",
            "2027-03-28T03:00+02:00",
            "2027-03-28T03:30+02:00"),
        row(
            "0 * * * *",
            BERLIN,
            "2026-10-25T01:30",
            "2026-10-25T01:00+02:00",
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:00+01:00",
            "2026-10-25T03:00+01:00"),
        row(
            "0 * * * *",
            NEW_YORK,
            "2026-11-01T00:30",
            "2026-11-01T00:00-04:00",
            "2026-11-01T01:00-04:00",
            "2026-11-01T01:00-05:00",
            "2026-11-01T02:00-05:00"),
        // the first pass of 02:40 comes before the second pass of 02:10
        row(
            "10,40 * * * *",
            BERLIN,
            "2026-10-25T01:00",
            "2026-10-25T02:10+02:00",
            "2026-10-25T02:40+02:00",
            "2026-10-25T02:10+01:00",
            "2026-10-25T02:40+01:00",
            "2026-10-25T03:10+01:00"),
        // an hour field that names hours keeps the time of day, even every other hour
        row(
            "0 */2 * * *",
            BERLIN,
            "2026-10-25T01:30",
            "2026-10-25T00:00+02:00",
            "2026-10-25T02:00+02:00",
            "2026-10-25T04:00+01:00",
            "2026-10-25T06:00+01:00"));
  }

  private static Arguments row(
      String typed, ZoneId zone, String localNow, String before, String... after) {
    return Arguments.of(typed, zone, localNow, before, List.of(after));
  }

  /**
   * Lists the run before {@code localNow} (the first listed), then the runs after it: the first
   * checks that {@code nextAfter} finds it from a minute earlier.
   */
  @ParameterizedTest(name = "[{index}] \"{0}\" in {1} after {2}")
  @MethodSource("wallClockSchedules")
  void wallClockTimesFollowTheZone(
      String typed, ZoneId zone, String localNow, String before, List<String> after) {
    Instant now = Runs.local(localNow, zone);
    JobSchedule schedule = JobSchedule.parse(typed, zone, now);
    Instant runBefore = Runs.offset(before);

    assertThat(schedule.nextAfter(runBefore.minusSeconds(60))).contains(runBefore);
    assertThat(Runs.after(schedule, runBefore, after.size())).isEqualTo(after);
  }

  @Test
  void cronUtilsAloneDropsTheSkippedTimeWhichIsWhyTheWallClockIsReadInUtc() {
    // If this starts failing, cron-utils changed how it treats a gap: see CronSchedule's javadoc.
    ExecutionTime inTheZone = ExecutionTime.forCron(CronSchedule.PARSER.parse("30 2 * * *"));
    ZonedDateTime saturday = LocalDateTime.parse("2027-03-27T12:00").atZone(BERLIN);

    assertThat(inTheZone.nextExecution(saturday).map(ZonedDateTime::toOffsetDateTime))
        .hasValueSatisfying(run -> assertThat(run).hasToString("2027-03-29T02:30+02:00"));
    assertThat(Runs.after(
            JobSchedule.parse("30 2 * * *", BERLIN, saturday.toInstant()), saturday.toInstant(), 1))
        .containsExactly("2027-03-28T03:30+02:00");
  }

  @Test
  void intervalsCountElapsedTimeAcrossAChangeOfTheClocks() {
    Instant now = Runs.local("2026-10-24T00:00", BERLIN);

    assertThat(Runs.after(JobSchedule.parse("every 1d from 2026-10-24 09:00", BERLIN, now), now, 2))
        .containsExactly("2026-10-24T09:00+02:00", "2026-10-25T08:00+01:00");
    assertThat(
            Runs.after(JobSchedule.parse("every 30m from 2027-03-28 01:30", BERLIN, now), now, 3))
        .containsExactly(
            "2027-03-28T01:30+01:00", "2027-03-28T03:00+02:00", "2027-03-28T03:30+02:00");
  }

  @Test
  void aMomentOnTheSecondPassKeepsItsOffsetInTheText() {
    Instant secondPass = Runs.offset("2026-10-25T02:10+01:00");

    JobSchedule once = JobSchedule.parse("in 20m", BERLIN, secondPass);
    JobSchedule every = JobSchedule.parse("every 30m", BERLIN, secondPass);

    assertThat(once.text()).isEqualTo("at 2026-10-25 02:30 +01:00");
    assertThat(once.nextAfter(secondPass)).contains(Runs.offset("2026-10-25T02:30+01:00"));
    assertThat(JobSchedule.parse(once.text(), BERLIN, secondPass)).isEqualTo(once);
    assertThat(every.text()).isEqualTo("every 30m from 2026-10-25 02:40 +01:00");
    assertThat(JobSchedule.parse(every.text(), BERLIN, secondPass)).isEqualTo(every);
  }

  @Test
  void aTimeTypedWithoutOffsetMeansTheFirstPassAndSaysSo() {
    Instant before = Runs.local("2026-10-24T12:00", BERLIN);

    JobSchedule once = JobSchedule.parse("at 2026-10-25 02:30", BERLIN, before);

    assertThat(once.text()).isEqualTo("at 2026-10-25 02:30 +02:00");
    assertThat(once.nextAfter(before)).contains(Runs.offset("2026-10-25T02:30+02:00"));
  }

  @Test
  void aTimeTypedWithoutOffsetDuringTheSecondPassMeansTheOneToCome() {
    Instant secondPass = Runs.offset("2026-10-25T02:10+01:00");

    JobSchedule once = JobSchedule.parse("at 2026-10-25 02:30", BERLIN, secondPass);

    assertThat(once.text()).isEqualTo("at 2026-10-25 02:30 +01:00");
    assertThat(once.nextAfter(secondPass)).contains(Runs.offset("2026-10-25T02:30+01:00"));
    assertThatThrownBy(() -> JobSchedule.parse("at 2026-10-25 02:05", BERLIN, secondPass))
        .hasMessageStartingWith("Schedule \"at 2026-10-25 02:05\" is in the past (it is"
            + " 2026-10-25 02:10 +01:00 in Europe/Berlin now).");
  }

  @Test
  void aSkippedTimeTypedForAOneShotIsMovedPastTheJump() {
    Instant before = Runs.local("2027-03-27T12:00", BERLIN);

    JobSchedule once = JobSchedule.parse("at 2027-03-28 02:30", BERLIN, before);

    assertThat(once.text()).isEqualTo("at 2027-03-28 03:30");
    assertThat(once.nextAfter(before)).contains(Runs.offset("2027-03-28T03:30+02:00"));
  }
}
