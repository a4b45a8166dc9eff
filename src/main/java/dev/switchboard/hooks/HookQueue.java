package dev.switchboard.hooks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hooks of queued events: a bounded queue that {@link #offer} never waits on (a full
 * one drops the event, with a throttled warning and a metric), and one virtual thread that takes
 * events in order, finds their hooks and starts each on a virtual thread of its own once one of
 * {@code hooks.max_concurrent} slots is free.
 */
final class HookQueue implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(HookQueue.class);
  /** After the stop's grace: how long the killed hooks' threads may take to finish. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(2);

  private final HookSettings settings;
  private final HookDiscovery discovery;
  private final HookEnvironment environment;
  private final Path workDir;
  private final HookMetrics metrics;
  private final Ticker ticker;
  private final BlockingQueue<Pending> queue;
  private final Semaphore slots;
  private final WarningThrottle drops;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final InFlight inFlight = new InFlight();
  private final Thread dispatcher;
  private volatile boolean closed;

  HookQueue(
      HookSettings settings,
      HookDiscovery discovery,
      HookEnvironment environment,
      Path workDir,
      HookMetrics metrics,
      Ticker ticker) {
    this.settings = settings;
    this.discovery = discovery;
    this.environment = environment;
    this.workDir = workDir;
    this.metrics = metrics;
    this.ticker = ticker;
    this.queue = new ArrayBlockingQueue<>(settings.maxQueued());
    this.slots = new Semaphore(settings.maxConcurrent());
    this.drops = new WarningThrottle(Duration.ofMinutes(1), ticker);
    this.dispatcher = Thread.ofVirtual().name("hooks").start(this::dispatch);
  }

  @Override
  public boolean wanted(EventKind kind) {
    if (closed) {
      return false;
    }
    try {
      return discovery.mayHave(kind);
    } catch (RuntimeException e) {
      return true; // find says what is wrong, once the event is dispatched
    }
  }

  /** Queues {@code event}; false when it was dropped (queue full, or the gateway stopping). */
  @Override
  public boolean offer(Pending event) {
    if (closed) {
      return false;
    }
    inFlight.add(1);
    if (queue.offer(event)) {
      return true;
    }
    inFlight.done(1);
    metrics.hookEventDropped(event.kind().label());
    OptionalLong count = drops.occurred();
    if (count.isPresent()) {
      log.warn(
          "dropped {} hook event(s) (this one {}): {} are waiting already and {} hook(s) run;"
              + " see hooks.max_queued and hooks.max_concurrent",
          count.getAsLong(),
          event.kind().label(),
          settings.maxQueued(),
          settings.maxConcurrent());
    }
    return false;
  }

  /** Events waiting for their hooks to start. */
  int waiting() {
    return queue.size();
  }

  private void dispatch() {
    try {
      while (true) {
        Pending event = queue.take();
        List<Hook> hooks = find(event.kind());
        inFlight.add(hooks.size());
        inFlight.done(1); // the event itself; its hooks count from now on
        for (int i = 0; i < hooks.size(); i++) {
          try {
            slots.acquire();
          } catch (InterruptedException e) {
            inFlight.done(hooks.size() - i);
            throw e;
          }
          start(hooks.get(i), event);
        }
      }
    } catch (InterruptedException e) {
      // the gateway is stopping
    }
  }

  private List<Hook> find(EventKind kind) {
    try {
      return discovery.find(kind);
    } catch (RuntimeException e) {
      log.warn("cannot look for the hooks of {}: {}", kind.label(), e.toString());
      return List.of();
    }
  }

  private void start(Hook hook, Pending event) {
    Thread t = Thread.ofVirtual().name("hook " + hook.name()).unstarted(() -> {
      try {
        report(hook, event.kind(), run(hook, event));
      } finally {
        running.remove(Thread.currentThread());
        slots.release();
        inFlight.done(1);
      }
    });
    running.add(t);
    t.start();
  }

  private HookResult run(Hook hook, Pending event) {
    try {
      return new HookProcess(
              hook,
              event.json().getBytes(StandardCharsets.UTF_8),
              environment.forEvent(event.kind()),
              workDir,
              settings.timeout(),
              ticker)
          .run();
    } catch (RuntimeException e) {
      return new HookResult.NotStarted(e.toString());
    }
  }

  private void report(Hook hook, EventKind kind, HookResult result) {
    metrics.hookRan(kind.label(), result.label());
    switch (result) {
      case HookResult.Exited r
      when r.code() == 0 ->
        log.debug(
            "hook {} for {} done in {} ms", hook.name(), kind.label(), r.took().toMillis());
      case HookResult.Exited r ->
        log.warn(
            "hook {} for {} exited with {} after {} ms{}",
            hook.name(),
            kind.label(),
            r.code(),
            r.took().toMillis(),
            stderr(r.stderr()));
      case HookResult.TimedOut r ->
        log.warn(
            "hook {} for {} still ran at its timeout ({} ms, hooks.timeout); killed its process"
                + " group{}",
            hook.name(),
            kind.label(),
            settings.timeout().toMillis(),
            stderr(r.stderr()));
      case HookResult.Stopped r ->
        log.warn(
            "hook {} for {} still ran when the gateway stopped, after {} ms; killed its process"
                + " group{}",
            hook.name(),
            kind.label(),
            r.took().toMillis(),
            stderr(r.stderr()));
      case HookResult.NotStarted r ->
        log.warn("hook {} for {} could not start: {}", hook.name(), kind.label(), r.why());
    }
  }

  private static String stderr(String tail) {
    return tail.isEmpty() ? "; no output on stderr" : "; the end of its stderr:\n" + tail;
  }

  /**
   * Takes no more events, gives what is queued and running up to {@code grace} to finish, then
   * drops what still waits and kills the groups of hooks still running. Bounded: {@code grace}
   * plus a couple of seconds at most.
   */
  @Override
  public void close(Duration grace) {
    closed = true;
    boolean interrupted = false;
    try {
      inFlight.awaitNone(grace);
    } catch (InterruptedException e) {
      interrupted = true; // a stop cannot be cancelled: carry on, without the grace
    }
    dispatcher.interrupt();
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    if (!left.isEmpty()) {
      log.warn("{} hook event(s) still queued at the stop were dropped", left.size());
    }
    List<Thread> still = List.copyOf(running);
    still.forEach(Thread::interrupt);
    long deadline = ticker.nanos() + AFTER_KILL.toNanos();
    for (Thread t : still) {
      try {
        t.join(Duration.ofNanos(Math.max(0, deadline - ticker.nanos())));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Events queued and hooks running; the stop waits for none to be left. */
  private static final class InFlight {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();

    @GuardedBy("lock")
    private int count;

    void add(int n) {
      lock.lock();
      try {
        count += n;
      } finally {
        lock.unlock();
      }
    }

    void done(int n) {
      lock.lock();
      try {
        count -= n;
        if (count <= 0) {
          none.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    void awaitNone(Duration timeout) throws InterruptedException {
      long left = timeout.toNanos();
      lock.lock();
      try {
        while (count > 0 && left > 0) {
          left = none.awaitNanos(left);
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
