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
 * @param typingDelay how long a turn runs before the chat shows "typing": an answer faster
 *     than this costs no typing call (except where typing is the read receipt)
 */
public record TurnSettings(
    int historyMessages,
    Duration approvalTimeout,
    boolean toolProgress,
    String silentReply,
    Duration typingDelay) {
  public static final String DEFAULT_SILENT_REPLY = "[SILENT]";
  public static final Duration DEFAULT_TYPING_DELAY = Duration.ofMillis(500);

  public TurnSettings(int historyMessages, Duration approvalTimeout, boolean toolProgress) {
    this(
        historyMessages, approvalTimeout, toolProgress, DEFAULT_SILENT_REPLY, DEFAULT_TYPING_DELAY);
  }

  public static TurnSettings defaults() {
    return new TurnSettings(200, Duration.ofMinutes(2), false);
  }

  /** True when {@code answer} to a synthetic turn means: send nothing. */
  public boolean silent(@Nullable String answer) {
    return answer != null && answer.strip().equals(silentReply);
  }
}
