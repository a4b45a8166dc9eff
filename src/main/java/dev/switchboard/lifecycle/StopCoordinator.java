package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stop (lifecycle rules 1 to 3).
 *
 * <h2>Design</h2>
 *
 * <p>Every path that ends the process (a signal, /restart, {@code switchboard stop}, a crash, a
 * failed start) calls {@link #request}. The first request wins: it decides the exit code,
 * which is recorded (state file, hard deadline, supervisor) by {@code onIntent} on the
 * requesting thread before any teardown can begin. The teardown then runs once, on its own
 * platform thread that belongs to no supervised set, so nothing it cancels can cancel it.
 *
 * <p>Later requests cannot change the exit code, with two deliberate effects: a stop after a
 * restart cancels the relaunch that the restart would do without a service manager (Ctrl-C
 * during a restart must not leave a gateway running in the background), and a second stop
 * signal after a first one skips the rest of the drain.
 *
 * <p>A request during start-up is recorded at once but the teardown waits until the start
 * thread has unwound ({@link #startupFinished}), so start and stop never run together; the
 * start thread is interrupted so its waits end early.
 *
 * <p>Guaranteed: the teardown runs at most once and only after the intent is recorded; {@link
 * #exitFuture()} completes exactly once, even if the teardown throws.
 */
final class StopCoordinator {
  private static final Logger log = LoggerFactory.getLogger(StopCoordinator.class);

  /** Tears the gateway down and returns the final exit code. */
  @FunctionalInterface
  interface Teardown {
    int run(StopRequest first, int recordedExitCode, boolean duringStartup);
  }

  /** Records the intent; runs once, before the teardown, on the requesting thread. */
  @FunctionalInterface
  interface IntentRecorder {
    void record(StopRequest first, int exitCode, boolean duringStartup);
  }

  /** Something to do atomically with becoming the first request; may refuse by throwing. */
  @FunctionalInterface
  interface Precondition<E extends Exception> {
    void run() throws E;
  }

  private final ToIntFunction<StopRequest> exitCodeFor;
  private final IntentRecorder onIntent;
  private final Teardown teardown;
  private final Thread startThread;

  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private @Nullable StopRequest first;

  @GuardedBy("lock")
  private int exitCode = -1;

  @GuardedBy("lock")
  private boolean duringStartup;

  @GuardedBy("lock")
  private boolean startupFinished;

  @GuardedBy("lock")
  private boolean launched;

  @GuardedBy("lock")
  private boolean relaunchCancelled;

  @GuardedBy("lock")
  private boolean stopSignalSeen;

  @GuardedBy("lock")
  private int teardownRuns;

  private final CompletableFuture<Void> intentRecorded = new CompletableFuture<>();
  private final CompletableFuture<Void> skipDrain = new CompletableFuture<>();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /**
   * @param startThread interrupted when a stop arrives during start-up, to cut its waits short
   */
  StopCoordinator(
      ToIntFunction<StopRequest> exitCodeFor,
      IntentRecorder onIntent,
      Teardown teardown,
      Thread startThread) {
    this.exitCodeFor = exitCodeFor;
    this.onIntent = onIntent;
    this.teardown = teardown;
    this.startThread = startThread;
  }

  /** Returns true if this request is the one that stops the process. */
  boolean request(StopRequest request) {
    return requestIf(request, () -> {});
  }

  /**
   * Like {@link #request}, but first runs {@code precondition} while no other request can slip
   * in, and only if this request would be the first. If it throws, nothing is recorded.
   */
  <E extends Exception> boolean requestIf(StopRequest request, Precondition<E> precondition)
      throws E {
    boolean isFirst = false;
    boolean launchNow = false;
    boolean skip = false;
    boolean startup;
    int code;
    lock.lock();
    try {
      if (first == null) {
        precondition.run();
        first = request;
        exitCode = exitCodeFor.applyAsInt(request);
        duringStartup = !startupFinished;
        isFirst = true;
        if (startupFinished && !launched) {
          launched = true;
          launchNow = true;
        }
        if (!startupFinished && Thread.currentThread() != startThread && startThread != null) {
          startThread.interrupt();
        }
      } else {
        if (request.kind() == StopKind.STOP
            && first.kind() == StopKind.RESTART
            && !relaunchCancelled) {
          relaunchCancelled = true;
          log.info("{} during a restart: the gateway will stay stopped", request.source());
        }
        skip = request.signal() && request.kind() == StopKind.STOP && stopSignalSeen;
      }
      if (request.signal() && request.kind() == StopKind.STOP) {
        stopSignalSeen = true;
      }
      code = exitCode;
      startup = duringStartup;
    } finally {
      lock.unlock();
    }
    if (isFirst) {
      try {
        onIntent.record(request, code, startup);
      } catch (RuntimeException e) {
        log.error("could not record the stop intent; stopping anyway", e);
      } finally {
        intentRecorded.complete(null);
      }
    }
    if (launchNow) {
      launch();
    }
    if (skip && !skipDrain.isDone()) {
      log.warn("second {} during the stop: skipping the rest of the drain", request.source());
      skipDrain.complete(null);
    }
    return isFirst;
  }

  /** The start thread has unwound; a stop requested meanwhile may now tear down. */
  void startupFinished() {
    boolean launchNow = false;
    lock.lock();
    try {
      startupFinished = true;
      if (first != null && !launched) {
        launched = true;
        launchNow = true;
      }
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() == startThread) {
      Thread.interrupted(); // an interrupt meant for the start must not leak past it
    }
    if (launchNow) {
      launch();
    }
  }

  private void launch() {
    Thread.ofPlatform().name("switchboard-stop").daemon(false).start(this::runTeardown);
  }

  private void runTeardown() {
    StopRequest request;
    int code;
    boolean startup;
    lock.lock();
    try {
      teardownRuns++;
      request = first;
      code = exitCode;
      startup = duringStartup;
    } finally {
      lock.unlock();
    }
    try {
      intentRecorded.join();
      // Launched only once a first request is recorded.
      code = teardown.run(Objects.requireNonNull(request, "first request"), code, startup);
    } catch (Throwable t) {
      log.error("the stop failed part-way; exiting with the recorded code {}", code, t);
    } finally {
      exit.complete(code);
    }
  }

  /** Ends the wait for the exit with {@code code}, for the hard deadline's path. */
  void forceExit(int code) {
    exit.complete(code);
  }

  /** Blocks until the stop is over and returns the exit code. */
  int awaitExit() {
    return exit.join();
  }

  CompletableFuture<Integer> exitFuture() {
    return exit;
  }

  CompletableFuture<Void> skipDrain() {
    return skipDrain;
  }

  /**
   * Requests {@code request} and skips the drain: for a stop after which nothing this gateway
   * does counts any more, so waiting for its turns would only keep its platforms connected.
   */
  boolean requestWithoutDrain(StopRequest request, String why) {
    boolean isFirst = request(request);
    if (!skipDrain.isDone()) {
      log.warn("{}: not waiting for the running turns", why);
      skipDrain.complete(null);
    }
    return isFirst;
  }

  Optional<StopRequest> first() {
    lock.lock();
    try {
      return Optional.ofNullable(first);
    } finally {
      lock.unlock();
    }
  }

  boolean stopping() {
    return first().isPresent();
  }

  /** The recorded exit code, or -1 before any request. */
  int exitCode() {
    lock.lock();
    try {
      return exitCode;
    } finally {
      lock.unlock();
    }
  }

  boolean relaunchCancelled() {
    lock.lock();
    try {
      return relaunchCancelled;
    } finally {
      lock.unlock();
    }
  }

  /** How many times the teardown started; 0 or 1, which tests assert. */
  int teardownRuns() {
    lock.lock();
    try {
      return teardownRuns;
    } finally {
      lock.unlock();
    }
  }
}
