package dev.switchboard.lifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the successor of a restart without a service manager, at most once, bounded in time:
 * normally at the end of the stop, or from the hard deadline if the stop never got there, so a
 * stuck teardown cannot turn a restart into a stop.
 */
final class Relaunch {
  private static final Logger log = LoggerFactory.getLogger(Relaunch.class);

  private final Relauncher relauncher;
  private final AtomicBoolean started = new AtomicBoolean();

  Relaunch(Relauncher relauncher) {
    this.relauncher = relauncher;
  }

  /** Empty when the successor was started (now or earlier), else why it was not. */
  Optional<String> once(Duration timeout) {
    if (!started.compareAndSet(false, true)) {
      return Optional.empty();
    }
    BoundedCall.Outcome outcome = BoundedCall.runIgnoringInterrupts("relaunch", timeout, () -> {
      relauncher.relaunch();
      return null;
    });
    Optional<String> failure = switch (outcome) {
      case BoundedCall.Outcome.Done d -> Optional.empty();
      case BoundedCall.Outcome.Failed f -> Optional.of(String.valueOf(f.error().getMessage()));
      case BoundedCall.Outcome.TimedOut t ->
        Optional.of("the relaunch did not finish within " + t.after().toMillis() + " ms");
    };
    failure.ifPresent(
        why -> log.error("restart failed: could not start the next gateway" + " process: {}", why));
    return failure;
  }
}
