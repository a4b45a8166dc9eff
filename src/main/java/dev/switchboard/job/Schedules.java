package dev.switchboard.job;

import dev.switchboard.store.Jobs;
import java.time.ZoneId;

/** A stored job's schedule, read back as it was made. */
final class Schedules {
  private Schedules() {}

  /**
   * Read as of the job's making: a one-shot stored as "at …" is not refused for being past
   * now, and an interval keeps the anchor it was given then.
   */
  static JobSchedule stored(Jobs.Job job) {
    return JobSchedule.parse(job.schedule(), ZoneId.of(job.zone()), job.createdAt());
  }
}
