package dev.switchboard.lifecycle;

import dev.switchboard.common.Deadline;
import dev.switchboard.common.Ticker;
import dev.switchboard.session.Dispatcher;
import dev.switchboard.session.DrainReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phases of a stop, each bounded (lifecycle rules 4 and 5): drain (no new turns, running
 * ones may finish, until the drain timeout or a second stop signal); interrupt what is left and
 * give the interrupted turns a moment to say so; disconnect platforms in parallel; close the
 * dispatcher and the backend; relaunch when restarting without a service manager; stop the
 * supervised tasks; record the end and seal the state file. Phases of the start that never
 * began ({@link StartPhases}) are not undone: a failed start is rolled back, not torn down.
 *
 * <p>Every phase after the drain takes only what is left of the {@link StopBudget}, as Jetty's
 * {@code Server.doStop()} does, so the teardown ends before the hard deadline would end it.
 */
final class StopSequence implements StopCoordinator.Teardown {
  private static final Logger log = LoggerFactory.getLogger(StopSequence.class);
  private static final Duration MAX_CLOSE = Duration.ofSeconds(5);
  private static final Duration MAX_RELAUNCH = Duration.ofSeconds(15);
  /** What hooks still queued or running at the stop get before their groups are killed. */
  static final Duration HOOK_GRACE = Duration.ofSeconds(2);

  /** What the stop knows when its teardown begins. */
  record Context(
      StopRequest first,
      int recordedCode,
      StopBudget budget,
      CompletableFuture<Void> skipDrain,
      BooleanSupplier relaunchCancelled,
      String finalState) {}

  private final GatewayAssembly parts;
  private final StopRecorder recorder;
  private final StopHandle stops;
  private final GatewaySettings settings;
  private final Dispatcher dispatcher;
  private final Ticker ticker;
  private final Runnable afterDrain;

  /**
   * @param afterDrain runs between the drain and the teardown; a no-op in the gateway, a gate
   *     in tests that must place events before the teardown's phases
   */
  StopSequence(
      GatewayAssembly parts, StopRecorder recorder, StopHandle stops, Runnable afterDrain) {
    this.parts = parts;
    this.recorder = recorder;
    this.stops = stops;
    this.settings = parts.settings;
    this.dispatcher = parts.dispatcher;
    this.ticker = parts.ticker;
    this.afterDrain = afterDrain;
  }

  @Override
  public int run(StopRequest first, int recordedCode, boolean duringStartup) {
    try {
      return run(new Context(
          first,
          recordedCode,
          recorder.budget(),
          stops.skipDrain(),
          stops::relaunchCancelled,
          StopRecorder.finalState(first, duringStartup)));
    } finally {
      parts.hardDeadline.disarm();
    }
  }

  int run(Context c) {
    long began = ticker.nanos();
    parts.events.gatewayStopping(
        c.first().kind().name().toLowerCase(Locale.ROOT), c.first().source());
    DrainReason reason =
        c.first().kind() == StopKind.RESTART ? DrainReason.RESTART : DrainReason.STOP;
    CompletableFuture<Void> drained = drain(reason, c);
    afterDrain.run();
    // What follows the drain gets 80% of the grace from now at most: time the drain did not
    // use is not handed to a task that refuses to die.
    Deadline rest =
        c.budget().teardownEnds().orSooner(c.budget().grace().multipliedBy(4).dividedBy(5));
    interruptLeftovers(drained, c, rest);
    if (parts.phases.begun(StartPhases.Phase.PLATFORMS)) {
      disconnectPlatforms(rest);
    }
    dispatcher.close();
    closeQuietly("close agent backend", parts.backend, rest);
    if (parts.hooks != null) {
      parts.hooks.close(rest.remainingAtMost(HOOK_GRACE));
    }

    // Relaunch before sweeping the tasks, so a task that refuses to die cannot starve it; the
    // successor waits for our lock, so it still cannot start before we are gone.
    int code = c.recordedCode();
    String outcome = null;
    boolean restarting = c.first().kind() == StopKind.RESTART;
    if (restarting && parts.serviceManager == ServiceManager.NONE) {
      if (c.relaunchCancelled().getAsBoolean()) {
        log.info("not relaunching: a stop request superseded the restart");
        outcome = "restart cancelled by a later stop request";
        restarting = false;
      } else {
        Duration allowed =
            max(rest.remainingAtMost(MAX_RELAUNCH), c.budget().grace().dividedBy(10));
        Optional<String> failure = parts.relaunch.once(allowed);
        if (failure.isPresent()) {
          code = ExitCodes.CRASHED;
          outcome = "relaunch failed: " + failure.get();
        }
      }
    }

    List<String> stragglers = parts.tasks.shutdown(rest.remaining());
    if (!stragglers.isEmpty()) {
      log.warn("{} task(s) abandoned at stop: {}", stragglers.size(), stragglers);
    }
    // Late, so that probes see the drain; health without a store to back it would lie.
    if (parts.phases.begun(StartPhases.Phase.HTTP)) {
      closeQuietly("close HTTP server", parts::closeHttpAndMetrics, rest);
    } else {
      closeQuietly("close metrics", parts.metrics, rest);
    }
    if (parts.gatewayLease != null) {
      closeQuietly("give up the database's lease", parts.gatewayLease, rest);
    }
    closeQuietly("close store", parts.store, rest);
    int finalCode = code;
    String finalOutcome = outcome;
    boolean restarted = restarting;
    parts.stateFile.seal(s -> s.withState(c.finalState())
        .withExit(
            finalCode,
            finalOutcome == null ? s.exitReason() : s.exitReason() + "; " + finalOutcome,
            restarted));
    log.info("stopped in {} ms; exit code {}", (ticker.nanos() - began) / 1_000_000, finalCode);
    parts.notifier.close();
    return finalCode;
  }

  /** Returns the drain's future: done when no turn runs any more. */
  private CompletableFuture<Void> drain(DrainReason reason, Context c) {
    CompletableFuture<Void> drained = dispatcher.beginDrain(reason);
    waitFor(
        CompletableFuture.anyOf(drained, c.skipDrain()), c.budget().drainEnds().remaining());
    return drained;
  }

  private void interruptLeftovers(CompletableFuture<Void> drained, Context c, Deadline rest) {
    if (drained.isDone()) {
      return;
    }
    int interrupted = dispatcher.interruptRunning();
    log.warn(
        "{}; interrupted {} running turn(s)",
        c.skipDrain().isDone()
            ? "drain skipped"
            : "drain timeout (" + settings.drainTimeout().toSeconds() + " s) reached",
        interrupted);
    // Let the interrupted turns post their "interrupted" notes while the platforms are up.
    Duration forNotes = rest.remainingAtMost(c.budget().grace().dividedBy(4));
    if (!waitFor(drained, forNotes)) {
      log.warn(
          "{} turn(s) still running {} ms after being interrupted; moving on",
          dispatcher.activeTurns(),
          forNotes.toMillis());
    }
  }

  private void disconnectPlatforms(Deadline rest) {
    List<Thread> threads = new ArrayList<>();
    for (PlatformSlot slot : parts.slots.reversed()) {
      Duration timeout = rest.remainingAtMost(settings.disconnectTimeout());
      threads.add(
          Thread.ofVirtual().name("stop " + slot.name()).start(() -> slot.disconnect(timeout)));
    }
    for (Thread t : threads) {
      joinIgnoringInterrupts(t, rest.remaining().plusMillis(50));
    }
  }

  // The store closes after the tasks: an abandoned one that still writes gets an error, not a
  // corrupt file.
  private static void closeQuietly(String what, AutoCloseable part, Deadline rest) {
    BoundedCall.Outcome outcome =
        BoundedCall.runIgnoringInterrupts(what, rest.remainingAtMost(MAX_CLOSE), () -> {
          part.close();
          return null;
        });
    if (!(outcome instanceof BoundedCall.Outcome.Done)) {
      log.warn("{} did not finish cleanly: {}", what, outcome);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Waits without letting an interrupt end the stop; returns true if the future completed. */
  private static boolean waitFor(CompletableFuture<?> future, Duration timeout) {
    try {
      future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      log.warn("the stop thread was interrupted; ignoring it (a stop cannot be cancelled)");
      return future.isDone();
    }
  }

  private static void joinIgnoringInterrupts(Thread t, Duration timeout) {
    try {
      t.join(timeout);
    } catch (InterruptedException e) {
      log.warn("the stop thread was interrupted; ignoring it (a stop cannot be cancelled)");
    }
  }
}
