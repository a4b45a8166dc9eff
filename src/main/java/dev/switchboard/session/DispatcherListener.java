package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;

/**
 * What the dispatcher reports to the gateway: turn counts for the state file and health, and
 * messages that will not be answered, so the next process can tell their chats.
 */
public interface DispatcherListener {
  void activeTurnsChanged(int activeTurns);

  /** A message accepted earlier will not be answered by this process (drained or interrupted). */
  void unanswered(InboundMessage message, DrainReason reason);

  DispatcherListener NONE = new DispatcherListener() {
    @Override
    public void activeTurnsChanged(int activeTurns) {}

    @Override
    public void unanswered(InboundMessage message, DrainReason reason) {}
  };
}
