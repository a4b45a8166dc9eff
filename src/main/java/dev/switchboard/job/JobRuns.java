package dev.switchboard.job;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.SyntheticTurn;
import dev.switchboard.store.Jobs;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A job's runs as synthetic turns, and back. A scheduled run is named after its due time, so a
 * process that finds the same run due again (it died between starting it and recording that it
 * had) offers the journal the same name and nothing runs twice. A run asked for by hand ({@code
 * /cron run}) is named after the moment it was asked.
 */
final class JobRuns {
  private static final String ORIGIN = "job:";
  private static final String BY_HAND = "now-";

  private JobRuns() {}

  static SyntheticTurn scheduled(Jobs.Job job, Instant due) {
    return turn(job, Long.toString(due.getEpochSecond()));
  }

  static SyntheticTurn byHand(Jobs.Job job, Instant asked) {
    return turn(job, BY_HAND + asked.toEpochMilli());
  }

  private static SyntheticTurn turn(Jobs.Job job, String runId) {
    return new SyntheticTurn(
        job.chat(),
        ORIGIN + job.id(),
        runId,
        "Scheduled job " + job.id(),
        job.prompt(),
        !job.sharedConversation());
  }

  /** Which job and which scheduled run {@code message} is; empty for anything else. */
  static Optional<Run> of(InboundMessage message) {
    if (!message.synthetic()) {
      return Optional.empty();
    }
    String rest = message.messageId().substring(InboundMessage.SYNTHETIC_PREFIX.length());
    if (!rest.startsWith(ORIGIN)) {
      return Optional.empty();
    }
    String[] parts = rest.substring(ORIGIN.length()).split(":", 2);
    if (parts.length != 2) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(parts[0]);
      @Nullable
      Instant due =
          parts[1].startsWith(BY_HAND) ? null : Instant.ofEpochSecond(Long.parseLong(parts[1]));
      return Optional.of(new Run(id, due));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * One run of job {@code id}.
   *
   * @param due the time it was due; null for a run asked for by hand
   */
  record Run(long id, @Nullable Instant due) {}
}
