package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.common.Deadline;
import dev.switchboard.common.Ticker;
import dev.switchboard.session.Dispatcher;
import dev.switchboard.session.DrainReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phases of a stop, each bounded (lifecycle rules 4 and 5): drain (no new turns, running
 * ones may finish, up to the drain timeout or a second stop signal); interrupt what is left;
 * disconnect platforms, inbound first, in parallel; close the dispatcher and the backend; stop
 * the supervised tasks; relaunch when restarting without a service manager; record the end.
 *
 * <p>The drain gets {@code drain_timeout}; everything after it shares 80% of {@code
 * shutdown_grace}, each phase taking only what is left (as Jetty's {@code Server.doStop()}).
 * The other 20% is margin before the hard deadline.
 */
final class StopSequence {
  private static final Logger log = LoggerFactory.getLogger(StopSequence.class);
  private static final Duration MAX_BACKEND_CLOSE = Duration.ofSeconds(5);

  private final GatewaySettings settings;
  private final Dispatcher dispatcher;
  private final List<PlatformSlot> slots;
  private final AgentBackend backend;
  private final TaskSupervisor tasks;
  private final StateFile stateFile;
  private final SupervisorNotifier notifier;
  private final ServiceManager serviceManager;
  private final Relauncher relauncher;
  private final Ticker ticker;

  StopSequence(GatewaySettings settings, Dispatcher dispatcher, List<PlatformSlot> slots,
      AgentBackend backend, TaskSupervisor tasks, StateFile stateFile,
      SupervisorNotifier notifier, ServiceManager serviceManager, Relauncher relauncher,
      Ticker ticker) {
    this.settings = settings;
    this.dispatcher = dispatcher;
    this.slots = slots;
    this.backend = backend;
    this.tasks = tasks;
    this.stateFile = stateFile;
    this.notifier = notifier;
    this.serviceManager = serviceManager;
    this.relauncher = relauncher;
    this.ticker = ticker;
  }

  /**
   * @param finalState "stopped", or "startup_failed" when the start itself failed
   * @param relaunchCancelled read at relaunch time: a stop may have superseded the restart
   */
  int run(StopRequest first, int recordedCode, CompletableFuture<Void> skipDrain,
      String finalState, BooleanSupplier relaunchCancelled) {
    long began = ticker.nanos();
    DrainReason reason = first.kind() == StopKind.RESTART ? DrainReason.RESTART : DrainReason.STOP;

    drain(reason, skipDrain);
    Deadline rest = Deadline.after(settings.shutdownGrace().multipliedBy(4).dividedBy(5), ticker);
    disconnectPlatforms(rest);
    dispatcher.close();
    closeBackend(rest);
    List<String> stragglers = tasks.shutdown(rest.remaining());
    if (!stragglers.isEmpty()) {
      log.warn("{} task(s) abandoned at stop: {}", stragglers.size(), stragglers);
    }

    int code = recordedCode;
    if (first.kind() == StopKind.RESTART && serviceManager == ServiceManager.NONE) {
      code = relaunch(relaunchCancelled.getAsBoolean(), code);
    }
    int finalCode = code;
    stateFile.update(s -> s.withState(finalState)
        .withExit(finalCode, s.exitReason(), s.restartRequested()));
    log.info("stopped in {} ms; exit code {}", (ticker.nanos() - began) / 1_000_000, finalCode);
    notifier.close();
    return finalCode;
  }

  private void drain(DrainReason reason, CompletableFuture<Void> skipDrain) {
    CompletableFuture<Void> drained = dispatcher.beginDrain(reason);
    waitFor(CompletableFuture.anyOf(drained, skipDrain), settings.drainTimeout());
    if (drained.isDone()) {
      return;
    }
    int interrupted = dispatcher.interruptRunning();
    log.warn("{}; interrupted {} running turn(s)", skipDrain.isDone()
        ? "drain skipped by a second stop signal"
        : "drain timeout (" + settings.drainTimeout().toSeconds() + " s) reached", interrupted);
    // Let the interrupted turns post their "interrupted" notes while the platforms are up.
    Duration forNotes = settings.shutdownGrace().dividedBy(4);
    if (!waitFor(drained, forNotes)) {
      log.warn("{} turn(s) still running {} ms after being interrupted; moving on",
          dispatcher.activeTurns(), forNotes.toMillis());
    }
  }

  private void disconnectPlatforms(Deadline rest) {
    List<Thread> threads = new ArrayList<>();
    for (PlatformSlot slot : slots.reversed()) {
      Duration timeout = rest.remainingAtMost(settings.disconnectTimeout());
      threads.add(Thread.ofVirtual().name("stop " + slot.name())
          .start(() -> slot.disconnect(timeout)));
    }
    for (Thread t : threads) {
      joinIgnoringInterrupts(t, rest.remaining().plusMillis(50));
    }
  }

  private void closeBackend(Deadline rest) {
    BoundedCall.Outcome outcome = BoundedCall.runIgnoringInterrupts("close backend",
        rest.remainingAtMost(MAX_BACKEND_CLOSE), () -> {
          backend.close();
          return null;
        });
    if (!(outcome instanceof BoundedCall.Outcome.Done)) {
      log.warn("agent backend did not close cleanly: {}", outcome);
    }
  }

  private int relaunch(boolean cancelled, int code) {
    if (cancelled) {
      log.info("not relaunching: a stop request superseded the restart");
      return code;
    }
    try {
      relauncher.relaunch();
      return code;
    } catch (IOException | RuntimeException e) {
      log.error("restart failed: could not start the next gateway process: {}", e.getMessage());
      return ExitCodes.CRASHED;
    }
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
