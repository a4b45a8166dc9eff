package dev.switchboard.lifecycle;

import dev.switchboard.common.Deadline;
import dev.switchboard.common.Ticker;
import java.time.Duration;

/**
 * The time a stop has, fixed when its intent is recorded: the drain may use {@code
 * drain_timeout}; everything up to the end of the teardown must fit in {@code drain_timeout +
 * 80% of shutdown_grace}; the hard deadline fires at {@code drain_timeout + shutdown_grace}.
 * The last 20% of the grace is margin, so a slow teardown ends on its own before the deadline
 * has to end it.
 */
record StopBudget(
    Deadline drainEnds, Deadline teardownEnds, Duration hardDeadline, Duration grace) {

  static StopBudget startingNow(GatewaySettings settings, Ticker ticker) {
    Duration drain = settings.drainTimeout();
    Duration grace = settings.shutdownGrace();
    return new StopBudget(
        Deadline.after(drain, ticker),
        Deadline.after(drain.plus(grace.multipliedBy(4).dividedBy(5)), ticker),
        settings.hardDeadline(),
        grace);
  }
}
