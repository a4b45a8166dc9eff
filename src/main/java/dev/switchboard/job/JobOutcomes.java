package dev.switchboard.job;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.TurnObserver;
import dev.switchboard.store.Jobs;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the turns of job runs to their end: the outcome goes with the job (for /cron list),
 * and a run that failed is reported to the home channels.
 */
public final class JobOutcomes implements TurnObserver {
  private static final Logger log = LoggerFactory.getLogger(JobOutcomes.class);
  private static final Set<String> FAILURES = Set.of("failed", "undelivered", "refused");

  /** Where a failed run is reported: the home channels. */
  public interface FailureReports {
    void jobFailed(long job, InboundMessage run, String outcome);
  }

  private final Jobs jobs;
  private final FailureReports failures;

  public JobOutcomes(Jobs jobs, FailureReports failures) {
    this.jobs = jobs;
    this.failures = failures;
  }

  @Override
  public void activeTurnsChanged(int activeTurns) {}

  @Override
  public void turnStarted(InboundMessage message) {}

  @Override
  public void messageDone(InboundMessage message, String outcome) {
    if (outcome.equals("deferred")) {
      return; // the next process runs it
    }
    JobRuns.of(message).ifPresent(run -> {
      try {
        Instant due = run.due();
        if (due != null) {
          jobs.recordOutcome(run.id(), due, outcome);
        }
        if (FAILURES.contains(outcome)) {
          log.warn("job {}: its run {} ended {}", run.id(), message.messageId(), outcome);
          failures.jobFailed(run.id(), message, outcome);
        }
      } catch (RuntimeException e) {
        log.warn("could not record the outcome of job {}'s run: {}", run.id(), e.toString());
      }
    });
  }
}
