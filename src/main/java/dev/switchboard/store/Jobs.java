package dev.switchboard.store;

import dev.switchboard.platform.ChatRef;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Scheduled jobs: what to ask the agent, when, and for which chat. The schedule is kept as the
 * text its parser gave back (the store does not read it); the scheduler keeps {@code nextRun}.
 */
public interface Jobs {
  /**
   * One job.
   *
   * @param schedule the schedule's canonical text, in {@code zone}
   * @param sharedConversation true when its runs go into the chat's conversation, false for a
   *     conversation of the job's own
   * @param nextRun when it is due next; null once a one-shot has run
   * @param lastRun the due time of the latest run started or skipped; null before any
   * @param lastOutcome what became of that run, in a word or two for /cron list
   */
  record Job(
      long id,
      ChatRef chat,
      String schedule,
      String zone,
      String prompt,
      boolean sharedConversation,
      boolean paused,
      @Nullable Instant nextRun,
      String createdBy,
      Instant createdAt,
      @Nullable Instant lastRun,
      @Nullable String lastOutcome) {
    public Job {
      Objects.requireNonNull(chat, "chat");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(prompt, "prompt");
      Objects.requireNonNull(createdBy, "createdBy");
      Objects.requireNonNull(createdAt, "createdAt");
    }
  }

  /** A job to add; the store gives it its id. */
  record NewJob(
      ChatRef chat,
      String schedule,
      String zone,
      String prompt,
      boolean sharedConversation,
      Instant nextRun,
      String createdBy) {}

  Job add(NewJob job);

  Optional<Job> get(long id);

  /** Every job, oldest first. */
  List<Job> all();

  /**
   * Pauses or resumes a job; resuming sets its next due time ({@code nextRun}, computed from
   * now, so a paused job does not make up for what it missed). Returns false for no such job.
   */
  boolean setPaused(long id, boolean paused, @Nullable Instant nextRun);

  boolean remove(long id);

  /**
   * The scheduler started or skipped the run due at {@code due}: the job is next due at {@code
   * nextRun} (null: never again).
   */
  void advance(long id, Instant due, @Nullable Instant nextRun, String outcome);

  /** What became of the run due at {@code due}, if it is still the latest. */
  void recordOutcome(long id, Instant due, String outcome);
}
