package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;

/**
 * What the dispatcher reports about each message it was given, so the journal can follow it:
 * a turn started, the message is finished with, or it is deferred to the next process because
 * this one is stopping. Also the turn count, for the state file.
 */
public interface DispatcherListener {
  void activeTurnsChanged(int activeTurns);

  /** A turn starts for {@code message}; returns the attempt number, 1 for the first. */
  int started(InboundMessage message);

  /**
   * The agent has finished answering {@code message}: {@code reply} is the text about to be
   * delivered. Called before the delivery, so that it can be delivered again after a crash.
   */
  default void replied(InboundMessage message, String reply) {}

  /**
   * The dispatcher is done with {@code message}.
   *
   * @param outcome answered, command, failed, stopped, superseded, refused
   */
  void finished(InboundMessage message, String outcome);

  /** Not handled by this process, which is stopping; the next one picks it up. */
  void deferred(InboundMessage message, DrainReason reason);

  DispatcherListener NONE = new DispatcherListener() {
    @Override
    public void activeTurnsChanged(int activeTurns) {}

    @Override
    public int started(InboundMessage message) {
      return 1;
    }

    @Override
    public void finished(InboundMessage message, String outcome) {}

    @Override
    public void deferred(InboundMessage message, DrainReason reason) {}
  };
}
