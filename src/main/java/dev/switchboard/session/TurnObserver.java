package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;

/**
 * What follows the dispatcher's work besides the journal (the state file's turn count, the
 * metrics). Called on turn and loop threads: return quickly, never throw.
 */
public interface TurnObserver {
  void activeTurnsChanged(int activeTurns);

  /** A turn starts for {@code message}. */
  void turnStarted(InboundMessage message);

  /**
   * The dispatcher is done with {@code message} in this process: {@code outcome} as the
   * journal records it, or "deferred" when the next process answers it.
   */
  void messageDone(InboundMessage message, String outcome);

  /** Tells {@code first}, then {@code second}. */
  static TurnObserver both(TurnObserver first, TurnObserver second) {
    return new TurnObserver() {
      @Override
      public void activeTurnsChanged(int activeTurns) {
        first.activeTurnsChanged(activeTurns);
        second.activeTurnsChanged(activeTurns);
      }

      @Override
      public void turnStarted(InboundMessage message) {
        first.turnStarted(message);
        second.turnStarted(message);
      }

      @Override
      public void messageDone(InboundMessage message, String outcome) {
        first.messageDone(message, outcome);
        second.messageDone(message, outcome);
      }
    };
  }

  TurnObserver NONE = new TurnObserver() {
    @Override
    public void activeTurnsChanged(int activeTurns) {}

    @Override
    public void turnStarted(InboundMessage message) {}

    @Override
    public void messageDone(InboundMessage message, String outcome) {}
  };
}
