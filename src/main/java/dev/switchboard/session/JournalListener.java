package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.InboundJournal;

/**
 * Keeps the inbound journal in step with the dispatcher: a turn started (counting attempts),
 * a message finished with, or deferred to the next process. With {@link InboundPipeline}, the
 * only writer of journal states. Then tells the {@link TurnObserver}.
 */
public final class JournalListener implements DispatcherListener {
  private final InboundJournal journal;
  private final TurnObserver observer;

  public JournalListener(InboundJournal journal, TurnObserver observer) {
    this.journal = journal;
    this.observer = observer;
  }

  @Override
  public void activeTurnsChanged(int activeTurns) {
    observer.activeTurnsChanged(activeTurns);
  }

  @Override
  public int started(InboundMessage message) {
    observer.turnStarted(message);
    return journal.markRunning(message);
  }

  @Override
  public void replied(InboundMessage message, String reply) {
    journal.recordReply(message, reply);
  }

  @Override
  public void finished(InboundMessage message, String outcome) {
    journal.markDone(message, outcome);
    observer.messageDone(message, outcome);
  }

  @Override
  public void deferred(InboundMessage message, DrainReason reason) {
    journal.markPending(message);
    observer.messageDone(message, "deferred");
  }
}
