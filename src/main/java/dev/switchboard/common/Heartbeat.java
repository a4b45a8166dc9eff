package dev.switchboard.common;

import java.time.Duration;
import java.util.Objects;

/**
 * Progress of one loop (the dispatch loop, an adapter's receive loop). The loop calls {@link
 * #beat()} on every iteration, including idle ones; a beat older than {@code maxSilence} means
 * the loop is stuck, whatever the state of its sockets.
 */
public final class Heartbeat {
  private final String name;
  private final Duration maxSilence;
  private final Ticker ticker;
  private volatile long lastBeat;
  private volatile boolean retired;

  public Heartbeat(String name, Duration maxSilence, Ticker ticker) {
    this.name = Objects.requireNonNull(name, "name");
    this.maxSilence = Objects.requireNonNull(maxSilence, "maxSilence");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.lastBeat = ticker.nanos();
  }

  public String name() {
    return name;
  }

  public Duration maxSilence() {
    return maxSilence;
  }

  public void beat() {
    lastBeat = ticker.nanos();
  }

  /** A loop that ended on purpose (its component stopped) no longer counts as stalled. */
  public void retire() {
    retired = true;
  }

  public boolean retired() {
    return retired;
  }

  public Duration silence() {
    return Duration.ofNanos(Math.max(0, ticker.nanos() - lastBeat));
  }

  public boolean stalled() {
    return !retired && silence().compareTo(maxSilence) > 0;
  }

  @Override
  public String toString() {
    return name + "{silent " + silence().toMillis() + " ms, max " + maxSilence.toMillis() + " ms"
        + (retired ? ", retired" : "") + "}";
  }
}
