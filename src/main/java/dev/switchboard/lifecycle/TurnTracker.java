package dev.switchboard.lifecycle;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.TurnObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** Follows turns for the state file's active-turn count and the turn-duration histogram. */
final class TurnTracker implements TurnObserver {
  private final StateFile stateFile;
  private final GatewayMetrics metrics;
  private final Ticker ticker;
  private final IntSupplier activeTurns;
  /** When each running turn started, by message. */
  private final Map<String, Long> turnStarts = new ConcurrentHashMap<>();

  /** @param activeTurns the dispatcher's own count of running turns */
  TurnTracker(StateFile stateFile, GatewayMetrics metrics, Ticker ticker, IntSupplier activeTurns) {
    this.stateFile = stateFile;
    this.metrics = metrics;
    this.ticker = ticker;
    this.activeTurns = activeTurns;
  }

  @Override
  public void activeTurnsChanged(int count) {
    // Re-read under the state file's lock: counts reported by two turn threads may arrive out
    // of order, the dispatcher's own count may not. Written behind: twice per message.
    stateFile.updateSoon(s -> s.withActiveTurns(activeTurns.getAsInt()));
  }

  @Override
  public void turnStarted(InboundMessage message) {
    turnStarts.put(message.dedupeKey(), ticker.nanos());
  }

  /** Commands and refused messages never started a turn: they are not timed. */
  @Override
  public void messageDone(InboundMessage message, String outcome) {
    Long started = turnStarts.remove(message.dedupeKey());
    if (started != null) {
      metrics.turnEnded(Duration.ofNanos(ticker.nanos() - started), outcome);
    }
  }
}
