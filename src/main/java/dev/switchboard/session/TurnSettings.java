package dev.switchboard.session;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How turns run.
 *
 * @param historyMessages earlier messages of the conversation handed to the backend (it may
 *     trim further to fit its model's context)
 * @param approvalTimeout how long an agent's request for permission waits for /approve or
 *     /deny before it is denied
 * @param toolProgress whether the agent's tool calls are shown while a turn runs, for sessions
 *     that did not choose with /tools
 * @param silentReply an answer to a synthetic turn (a job's run, a webhook's) that is exactly
 *     this, spaces aside, sends nothing: the agent found nothing worth saying
 */
public record TurnSettings(
    int historyMessages, Duration approvalTimeout, boolean toolProgress, String silentReply) {
  public static final String DEFAULT_SILENT_REPLY = "[SILENT]";

  public TurnSettings(int historyMessages, Duration approvalTimeout, boolean toolProgress) {
    this(historyMessages, approvalTimeout, toolProgress, DEFAULT_SILENT_REPLY);
  }

  public static TurnSettings defaults() {
    return new TurnSettings(200, Duration.ofMinutes(2), false);
  }

  /** True when {@code answer} to a synthetic turn means: send nothing. */
  public boolean silent(@Nullable String answer) {
    return answer != null && answer.strip().equals(silentReply);
  }
}
