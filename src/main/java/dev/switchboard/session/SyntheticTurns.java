package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.InboundJournal;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the turns the gateway makes on its own. The run is journaled before it is dispatched,
 * as a user's message is: a run offered twice starts once, and one the process did not finish
 * is answered by the next (the same recovery as any message: {@link InboundPipeline#resume}).
 */
public final class SyntheticTurns implements SyntheticTurnStarter {
  private static final Logger log = LoggerFactory.getLogger(SyntheticTurns.class);

  private final InboundJournal journal;
  private final Dispatcher dispatcher;
  private final Clock clock;

  public SyntheticTurns(InboundJournal journal, Dispatcher dispatcher, Clock clock) {
    this.journal = journal;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  @Override
  public boolean start(SyntheticTurn turn) throws InterruptedException {
    InboundMessage m = turn.message(clock.instant());
    if (!journal.record(m)) {
      log.info("{} was started before; not starting it again", m.dedupeKey());
      return false;
    }
    dispatcher.submitSynthetic(m);
    return true;
  }

  /**
   * Records {@code turn} as finished with {@code outcome} without running it (a webhook that
   * sends its text directly still needs its delivery id remembered). Returns false when the
   * same run was recorded before.
   */
  public boolean recordWithoutTurn(SyntheticTurn turn, String outcome) {
    InboundMessage m = turn.message(clock.instant());
    if (!journal.record(m)) {
      return false;
    }
    journal.markDone(m, outcome);
    return true;
  }

  @Override
  public boolean unfinished(SyntheticTurn turn) {
    return journal.unfinished(turn.message(clock.instant()).ref());
  }
}
