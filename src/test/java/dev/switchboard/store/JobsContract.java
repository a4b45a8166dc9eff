package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Jobs}: added, listed, paused, advanced and removed, with ids never reused. */
abstract class JobsContract extends StorePartContract {
  private static final ChatRef TOPIC = new ChatRef("telegram", "-1005550001111", "7");
  private static final Instant NINE = Instant.parse("2026-11-28T08:00:00Z");

  private Jobs jobs() {
    return store.jobs();
  }

  private Jobs.Job addBriefing() {
    return jobs()
        .add(new Jobs.NewJob(
            TOPIC,
            "every day at 09:00",
            "Europe/Berlin",
            "Morning briefing",
            false,
            NINE,
            "telegram:42"));
  }

  @Test
  void anAddedJobIsReadBackWholeWithItsThread() {
    Jobs.Job job = addBriefing();

    assertThat(jobs().get(job.id())).hasValue(job);
    assertThat(job.chat()).isEqualTo(TOPIC);
    assertThat(job.schedule()).isEqualTo("every day at 09:00");
    assertThat(job.zone()).isEqualTo("Europe/Berlin");
    assertThat(job.prompt()).isEqualTo("Morning briefing");
    assertThat(job.nextRun()).isEqualTo(NINE);
    assertThat(job.paused()).isFalse();
    assertThat(job.createdBy()).isEqualTo("telegram:42");
    assertThat(job.createdAt()).isEqualTo(T0);
    assertThat(job.lastRun()).isNull();
    assertThat(job.lastOutcome()).isNull();
    assertThat(jobs().all()).containsExactly(job);
  }

  @Test
  void aRemovedJobsIdIsNotGivenToTheNextJob() {
    Jobs.Job first = addBriefing();
    Jobs.Job second = addBriefing();
    assertThat(jobs().remove(second.id())).isTrue();
    assertThat(jobs().remove(second.id())).isFalse();

    Jobs.Job third = addBriefing();

    assertThat(third.id()).isGreaterThan(second.id());
    assertThat(jobs().all()).extracting(Jobs.Job::id).containsExactly(first.id(), third.id());
  }

  @Test
  void advancingRecordsTheRunAndItsOutcomeOnlyWhileItIsTheLatest() {
    Jobs.Job job = addBriefing();
    Instant tomorrow = NINE.plus(Duration.ofDays(1));

    jobs().advance(job.id(), NINE, tomorrow, "started");
    jobs().recordOutcome(job.id(), NINE, "answered");
    Jobs.Job after = jobs().get(job.id()).orElseThrow();
    assertThat(after.nextRun()).isEqualTo(tomorrow);
    assertThat(after.lastRun()).isEqualTo(NINE);
    assertThat(after.lastOutcome()).isEqualTo("answered");

    jobs().advance(job.id(), tomorrow, null, "started");
    jobs().recordOutcome(job.id(), NINE, "failed"); // an older run's outcome comes too late
    Jobs.Job last = jobs().get(job.id()).orElseThrow();
    assertThat(last.nextRun()).isNull();
    assertThat(last.lastOutcome()).isEqualTo("started");
  }

  @Test
  void pausingAndResumingSetTheNextRun() {
    Jobs.Job job = addBriefing();

    assertThat(jobs().setPaused(job.id(), true, null)).isTrue();
    assertThat(jobs().get(job.id()).orElseThrow().paused()).isTrue();
    assertThat(jobs().get(job.id()).orElseThrow().nextRun()).isNull();

    Instant later = NINE.plus(Duration.ofDays(3));
    assertThat(jobs().setPaused(job.id(), false, later)).isTrue();
    assertThat(jobs().get(job.id()).orElseThrow().paused()).isFalse();
    assertThat(jobs().get(job.id()).orElseThrow().nextRun()).isEqualTo(later);
    assertThat(jobs().setPaused(999, true, null)).isFalse();
  }
}
