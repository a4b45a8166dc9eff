package dev.switchboard.platform.signal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Deadline;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * signal-cli's HTTP daemon as the gateway's child: {@link #start} launches {@code signal-cli
 * daemon --http} (see {@link SignalCliSettings#command}) and returns once it answers {@code
 * /api/v1/check}; from then on a watcher restarts it whenever it dies, after 1 s, 2 s, 4 s ...
 * up to 60 s, the first wait again once a child has run a minute; {@link #stop} ends it (and
 * whatever it started: the signal-cli launcher is a shell script that runs java) and no
 * restart follows.
 *
 * <p>Thread-safe. One lock orders launches against the stop: a launch happens under it and only
 * while not stopped, and the stop marks this stopped under it before ending the current child,
 * so a restart racing the stop either launches before (and the stop ends that child) or not at
 * all.
 */
final class SignalCliProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalCliProcess.class);

  /**
   * What {@link #close} gives {@link #stop}: the gateway's default disconnect timeout is 5 s,
   * and signal-cli takes about 2 s to stop its HTTP server on SIGTERM.
   */
  static final Duration DEFAULT_STOP_BUDGET = Duration.ofSeconds(4);

  /** Of a stop's budget, kept for the SIGKILL after a SIGTERM that was not heeded. */
  private static final Duration KILL_MARGIN = Duration.ofMillis(500);

  /** How long a stopping child's last words may take to reach the log. */
  private static final Duration LAST_WORDS = Duration.ofSeconds(1);

  /** A start that failed stops the child it launched within this. */
  private static final Duration ABANDON_BUDGET = Duration.ofSeconds(2);

  /** The stderr lines a failed start quotes. */
  private static final int QUOTED_LINES = 10;

  /**
   * The times of supervision.
   *
   * @param readyTimeout how long a start waits for {@code /api/v1/check}
   * @param checkInterval between two tries of {@code /api/v1/check}
   * @param firstDelay the wait before the first restart in a row
   * @param maxDelay the longest wait before a restart
   * @param stableAfter a child that ran this long before it died is restarted after firstDelay
   */
  record Timing(
      Duration readyTimeout,
      Duration checkInterval,
      Duration firstDelay,
      Duration maxDelay,
      Duration stableAfter) {
    static final Timing DEFAULT = new Timing(
        Duration.ofSeconds(60),
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  private enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPED
  }

  /** One launched child, its output, and when it was launched on the uptime ticker. */
  private record Child(Process process, ChildLog output, long launchedNanos) {}

  private final SignalCliSettings settings;
  private final Predicate<String> secretVariable;
  private final Timing timing;
  private final Sleeper sleeper;
  private final Ticker uptime;
  private final HttpClient http;
  private final ReadinessProbe probe;
  private final AtomicInteger restarts = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private State state = State.NEW;

  @GuardedBy("lock")
  private @Nullable Child child;

  @GuardedBy("lock")
  private @Nullable Thread watcher;

  /** Where the child listens: cli_listen, or a loopback port chosen free when this was made. */
  private final String listen;

  private final URI baseUrl;

  /**
   * @param secretVariable names of environment variables that hold the gateway's secrets
   *     ({@code config.schema()::secretVariable}); the child is started without them
   */
  SignalCliProcess(SignalCliSettings settings, Predicate<String> secretVariable) {
    this(settings, secretVariable, Timing.DEFAULT, Sleeper.SYSTEM, Ticker.system());
  }

  /**
   * @param sleeper waits out the backoff before a restart; interrupted by the stop
   * @param uptime measures how long a child ran, for the reset of the backoff
   */
  SignalCliProcess(
      SignalCliSettings settings,
      Predicate<String> secretVariable,
      Timing timing,
      Sleeper sleeper,
      Ticker uptime) {
    if (!settings.startsChild()) {
      throw new IllegalArgumentException(SignalCliSettings.CLI_PATH.path() + " is not set");
    }
    this.settings = settings;
    this.secretVariable = Objects.requireNonNull(secretVariable, "secretVariable");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.uptime = Objects.requireNonNull(uptime, "uptime");
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .proxy(HttpClient.Builder.NO_PROXY)
        .build();
    this.probe = new ReadinessProbe(http, timing.checkInterval());
    // Known before the first start, so the adapter is made with its address; kept across
    // restarts, so its event stream reconnects to the same place.
    String host = settings.listenHost();
    int port = settings.listenPort() == 0 ? freePort(host) : settings.listenPort();
    this.listen = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    this.baseUrl = URI.create("http://" + listen);
  }

  /**
   * Launches signal-cli and waits until it answers; returns at once when it already runs (the
   * watcher keeps it running). After a failed start another may be tried.
   *
   * @throws PlatformException when it exits first (FATAL for its exit code 1, an error the user
   *     must fix such as an unregistered account), does not answer within the ready timeout, or
   *     cannot be launched; the message quotes its last lines on standard error
   * @throws IllegalStateException after {@link #stop}
   * @throws InterruptedException the child is stopped first
   */
  void start() throws PlatformException, InterruptedException {
    Child started;
    URI base;
    lock.lock();
    try {
      switch (state) {
        case RUNNING -> {
          return;
        }
        case STOPPED -> throw new IllegalStateException("signal-cli was stopped");
        case STARTING -> throw new IllegalStateException("signal-cli is already starting");
        case NEW -> {}
      }
      if (settings.listenPort() != 0) {
        refuseIfTaken(settings.listenHost(), settings.listenPort());
      }
      base = baseUrl;
      try {
        started = launch();
      } catch (IOException e) {
        throw new PlatformException(
            "could not start signal-cli (" + settings.cliPath() + "): " + e.getMessage(), true, e);
      }
      state = State.STARTING;
    } finally {
      lock.unlock();
    }
    ReadinessProbe.Outcome outcome;
    try {
      outcome = probe.await(
          base, started.process(), Deadline.after(timing.readyTimeout(), Ticker.system()));
    } catch (InterruptedException e) {
      abandon(started);
      throw e;
    }
    lock.lock();
    try {
      if (state == State.STOPPED) {
        throw new PlatformException("signal-cli was stopped while it started", false);
      }
      if (outcome instanceof ReadinessProbe.Outcome.Ready) {
        state = State.RUNNING;
        Child first = started;
        watcher = Thread.ofVirtual().name("signal-cli watcher").start(() -> watch(first));
        log.info("signal-cli: ready at {} (pid {})", base, started.process().pid());
        return;
      }
    } finally {
      lock.unlock();
    }
    abandon(started);
    throw failure(outcome, base, started.output());
  }

  /** Where the child's HTTP API is, from before the first {@link #start}, after restarts too. */
  URI baseUrl() {
    return baseUrl;
  }

  /** How many times the watcher launched signal-cli again after it died. */
  int restarts() {
    return restarts.get();
  }

  /** The current child, for tests: present from a launch until the stop. */
  Optional<ProcessHandle> child() {
    lock.lock();
    try {
      return child == null ? Optional.empty() : Optional.of(child.process().toHandle());
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #stop} has begun. */
  boolean stopped() {
    lock.lock();
    try {
      return state == State.STOPPED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops signal-cli for good within {@code budget}: SIGTERM to it and its descendants, SIGKILL
   * to what still runs when all but a margin of the budget has passed; no restart follows.
   * Returns early when interrupted, after SIGKILL.
   */
  void stop(Duration budget) {
    Deadline deadline = Deadline.after(budget, Ticker.system());
    Child last;
    Thread w;
    lock.lock();
    try {
      state = State.STOPPED;
      last = child;
      child = null;
      w = watcher;
      watcher = null;
    } finally {
      lock.unlock();
    }
    if (w != null) {
      w.interrupt(); // out of its wait for the child's exit or of its backoff
    }
    boolean interrupted = false;
    if (last != null) {
      interrupted = !end(last.process(), budget, deadline);
    }
    if (w != null && !interrupted) {
      try {
        if (!w.join(deadline.remaining())) {
          log.warn("signal-cli: the watcher did not end within the stop's budget");
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    http.shutdownNow();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(DEFAULT_STOP_BUDGET);
  }

  /**
   * A port free on {@code host} now. Another program could take it before signal-cli binds it;
   * then signal-cli exits and the start says why.
   */
  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("found no free port on " + host + " for signal-cli", e);
    }
  }

  /**
   * An earlier signal-cli still answering there (say, left by a gateway that was killed) would
   * pass the readiness check while ours fails to bind: refuse instead.
   */
  private static void refuseIfTaken(String host, int port) throws PlatformException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
    } catch (IOException e) {
      return; // nobody there
    }
    throw new PlatformException(
        "something already listens on " + host + ":" + port + " (a signal-cli left from an"
            + " earlier run?); stop it, or set " + SignalCliSettings.CLI_LISTEN.path()
            + " to a free port or unset it",
        true);
  }

  @GuardedBy("lock")
  private Child launch() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(settings.command(listen));
    builder.environment().keySet().removeIf(secretVariable);
    Process p = builder.start();
    p.getOutputStream().close(); // signal-cli reads nothing from us
    ChildLog output = new ChildLog(p.pid());
    output.start(p.getInputStream(), p.getErrorStream());
    Child launched = new Child(p, output, uptime.nanos());
    child = launched;
    log.info("signal-cli: started, pid {}, HTTP on {}", p.pid(), listen);
    return launched;
  }

  /** Restarts the child each time it dies, until the stop. */
  private void watch(Child first) {
    RestartBackoff backoff = new RestartBackoff(timing.firstDelay(), timing.maxDelay());
    Child current = first;
    try {
      while (true) {
        String why;
        if (current != null) {
          int code = current.process().waitFor();
          Duration ran = Duration.ofNanos(uptime.nanos() - current.launchedNanos());
          current.output().awaitEnd(LAST_WORDS);
          if (stopped()) {
            return;
          }
          if (ran.compareTo(timing.stableAfter()) >= 0) {
            backoff.reset();
          }
          List<String> tail = current.output().tail();
          why = "exited unexpectedly with code " + code + meaning(code) + " after "
              + ran.toSeconds() + " s"
              + (tail.isEmpty() ? "" : "; its last line: " + tail.getLast());
        } else {
          why = "could not be launched";
        }
        Duration delay = backoff.next();
        log.warn("signal-cli: {}; restarting in {} ms", why, delay.toMillis());
        sleeper.sleep(delay);
        lock.lock();
        try {
          if (state == State.STOPPED) {
            return;
          }
          int n = restarts.incrementAndGet();
          try {
            current = launch();
            log.info("signal-cli: restart {} launched", n);
          } catch (IOException e) {
            current = null;
            log.warn("signal-cli: restart {} failed to launch: {}", n, e.getMessage());
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // the stop
    } catch (RuntimeException e) {
      log.error("signal-cli: the watcher failed; signal-cli is no longer restarted", e);
    }
  }

  /** Ends a child whose start failed, and forgets it unless the stop already did. */
  private void abandon(Child started) {
    end(started.process(), ABANDON_BUDGET, Deadline.after(ABANDON_BUDGET, Ticker.system()));
    lock.lock();
    try {
      if (Objects.equals(child, started)) {
        child = null;
      }
      if (state == State.STARTING) {
        state = State.NEW;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * SIGTERM to the child and its descendants, SIGKILL to those left when only the margin of
   * the budget remains. False when interrupted (everything was sent SIGKILL then).
   */
  private static boolean end(Process p, Duration budget, Deadline deadline) {
    // Before the child goes: its orphans are no longer its descendants.
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    tree.add(p.toHandle());
    tree.forEach(ProcessHandle::destroy);
    Duration margin =
        KILL_MARGIN.compareTo(budget.dividedBy(4)) < 0 ? KILL_MARGIN : budget.dividedBy(4);
    try {
      if (!awaitExit(tree, deadline.remaining().minus(margin))) {
        log.warn(
            "signal-cli: still running {} ms after SIGTERM; killing it",
            budget.minus(margin).toMillis());
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitExit(tree, deadline.remaining())) {
          log.warn("signal-cli: pid {} still there after SIGKILL", p.pid());
        }
      }
      return true;
    } catch (InterruptedException e) {
      tree.forEach(ProcessHandle::destroyForcibly);
      return false;
    }
  }

  private static boolean awaitExit(List<ProcessHandle> tree, Duration within)
      throws InterruptedException {
    CompletableFuture<?>[] exits =
        tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(Math.max(0, within.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for signal-cli to exit failed", e.getCause());
    }
  }

  private PlatformException failure(ReadinessProbe.Outcome outcome, URI base, ChildLog output)
      throws InterruptedException {
    output.awaitEnd(LAST_WORDS);
    List<String> tail = output.tail();
    String quoted = tail.isEmpty()
        ? "; it wrote nothing to standard error"
        : "; its last lines on standard error:\n  "
            + String.join(
                "\n  ", tail.subList(Math.max(0, tail.size() - QUOTED_LINES), tail.size()));
    URI check = base.resolve("/api/v1/check");
    return switch (outcome) {
      case ReadinessProbe.Outcome.Exited(int code) ->
        new PlatformException(
            "signal-cli exited with code " + code + meaning(code) + " before it answered " + check
                + quoted,
            code == 1);
      case ReadinessProbe.Outcome.TimedOut(String last) ->
        new PlatformException(
            "signal-cli did not answer " + check + " within "
                + timing.readyTimeout().toSeconds() + " s (last try: " + last + ")" + quoted,
            false);
      case ReadinessProbe.Outcome.Ready() -> throw new IllegalStateException("not a failure");
    };
  }

  /** signal-cli's exit codes, from its man page, and deaths by signal. */
  private static String meaning(int code) {
    return switch (code) {
      case 1 -> " (an error the user can probably fix)";
      case 2 -> " (an unexpected error)";
      case 3 -> " (a server or IO error)";
      case 4 -> " (sending failed, untrusted key)";
      case 5 -> " (rate limited by the server)";
      case 6 -> " (CAPTCHA rejected)";
      default -> code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "";
    };
  }
}
