package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;

/** What a command may do to the lanes of its session; the {@link Dispatcher} owns them. */
interface SessionLanes {
  boolean turnRunning(SessionKey key);

  int queuedMessages(SessionKey key);

  /** Cancels the session's turn and drops its waiting messages; returns how many of both. */
  int stopSession(SessionKey key);

  /**
   * Queues a turn for {@code m}; with {@code alwaysQueue} it waits behind a running turn
   * whatever the session's busy policy.
   */
  void enqueueTurn(InboundMessage m, boolean alwaysQueue);
}
