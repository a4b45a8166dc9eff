package dev.switchboard.session;

import java.time.Duration;

/**
 * How turns run.
 *
 * @param historyMessages earlier messages of the conversation handed to the backend (it may
 *     trim further to fit its model's context)
 * @param approvalTimeout how long an agent's request for permission waits for /approve or
 *     /deny before it is denied
 * @param toolProgress whether the agent's tool calls are shown while a turn runs, for sessions
 *     that did not choose with /tools
 */
public record TurnSettings(int historyMessages, Duration approvalTimeout, boolean toolProgress) {
  public static TurnSettings defaults() {
    return new TurnSettings(200, Duration.ofMinutes(2), false);
  }
}
