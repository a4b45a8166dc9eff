package dev.switchboard.session;

import org.jspecify.annotations.Nullable;

/** What became of a message offered to its session's {@link Lane}. */
sealed interface LaneAdmission {
  /** The dispatcher is draining: the message is left to the next process. */
  record Deferred() implements LaneAdmission {}

  /** The lane's queue is full; {@code why} is what the chat is told. */
  record Refused(String why) implements LaneAdmission {}

  /**
   * Queued.
   *
   * @param acknowledgement what the chat hears at once, null when the turn starts right away
   * @param toSupersede the running turn to cancel (busy policy "interrupt"), or null
   * @param startRunner the lane, when it had no runner and one must start; else null
   */
  record Queued(
      @Nullable String acknowledgement,
      @Nullable RunningTurn toSupersede,
      @Nullable Lane startRunner)
      implements LaneAdmission {}

  LaneAdmission DEFERRED = new Deferred();
}
