package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryAdapter.DisconnectBehaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every order of six events that can meet a stop: a restart request (from a supervised task,
 * as /restart does), a stop request, SIGTERM, the in-flight turn finishing, the adapter
 * starting to hang in disconnect, and a background task that refuses to die. The test thread
 * injects them one after another in the given order, with no sleeps, against a real runtime.
 * Where they fall in the stop is forced too: the drain cannot end before the turn finishes
 * (it is the only turn), and the stop is held between the drain and the teardown until every
 * event is in, so the hanging adapter always meets the disconnect and the stubborn task always
 * meets the sweep, whatever the threads' timing.
 *
 * <p>For each of the 720 orders: the stop ends within its deadline (drain + grace) without the
 * hard deadline firing, with the exit code of the first stop trigger (75 for the restart under
 * a service manager, 0 for a stop or SIGTERM: later requests never change it), the teardown ran
 * once, and the state file says stopped with that code.
 */
class StopInterleavingTest {
  private static final List<Character> EVENTS = List.of('R', 'S', 'T', 'F', 'A', 'K');
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Duration GRACE = Duration.ofMillis(400);

  @TempDir
  Path root;

  private final CountDownLatch releaseStubborn = new CountDownLatch(1);
  private final List<InMemoryAdapter> adapters = new ArrayList<>();

  @AfterEach
  void releaseLeftovers() {
    releaseStubborn.countDown();
    synchronized (adapters) {
      adapters.forEach(InMemoryAdapter::releaseHang);
    }
  }

  @Test
  void everyOrderEndsInTimeWithTheFirstTriggersExitCode() throws Exception {
    List<List<Character>> orders = permutations(EVENTS);
    assertThat(orders).hasSize(720);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> results = new ArrayList<>();
      for (List<Character> order : orders) {
        results.add(pool.submit(() -> {
          try {
            runScenario(order);
          } catch (Throwable t) {
            failures.add(order + ": " + t);
          }
        }));
      }
      for (Future<?> f : results) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).isEmpty();
  }

  private void runScenario(List<Character> order) throws Exception {
    Path home = Files.createTempDirectory(root, "order-");
    RuntimeHarness h = new RuntimeHarness(home);
    h.serviceManager = ServiceManager.SYSTEMD;
    h.drainTimeout = DRAIN;
    h.grace = GRACE;
    h.disconnectTimeout = Duration.ofMillis(100);
    CountDownLatch allInjected = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean gateHeld =
        new java.util.concurrent.atomic.AtomicBoolean();
    h.afterDrain = () -> {
      gateHeld.set(true);
      try {
        allInjected.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    synchronized (adapters) {
      adapters.add(chat);
    }
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "work");
    backend.awaitStart(5);

    java.util.concurrent.atomic.AtomicBoolean stubbornInterrupted =
        new java.util.concurrent.atomic.AtomicBoolean();
    boolean stubbornAccepted = false;
    Character firstTrigger = null;
    long triggeredAt = 0;
    for (char event : order) {
      if (firstTrigger == null && (event == 'R' || event == 'S' || event == 'T')) {
        firstTrigger = event;
        triggeredAt = System.nanoTime();
      }
      switch (event) {
        case 'R' -> requestRestartFromATask(h);
        case 'S' -> h.runtime.request(StopRequest.stop("switchboard stop"));
        case 'T' -> h.runtime.onSignal("TERM");
        case 'F' -> backend.finish("work");
        case 'A' -> chat.disconnectBehaviour(DisconnectBehaviour.HANG_IGNORING_INTERRUPTS);
        case 'K' -> stubbornAccepted = startStubbornTask(h, stubbornInterrupted);
        default -> throw new IllegalStateException("unknown event " + event);
      }
    }
    boolean teardownWaited = allInjected.getCount() == 1;
    allInjected.countDown();

    int code =
        h.exitFuture().get(DRAIN.plus(GRACE).plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - triggeredAt);
    int expected = firstTrigger == 'R' ? ExitCodes.RESTART : ExitCodes.STOPPED;
    assertThat(code).as("exit code").isEqualTo(expected);
    assertThat(took).as("stop duration").isLessThan(DRAIN.plus(GRACE));
    assertThat(h.halts).as("hard deadline").isEmpty();
    assertThat(h.runtime.stopCoordinator().teardownRuns()).isEqualTo(1);
    assertThat(teardownWaited).as("the teardown waited for every event").isTrue();
    assertThat(gateHeld).as("the stop passed the gate").isTrue();
    assertThat(chat.hungInDisconnect())
        .as("the hanging adapter met the disconnect")
        .isTrue();
    assertThat(stubbornAccepted)
        .as("the stubborn task was running at the sweep")
        .isTrue();
    org.awaitility.Awaitility.await("the sweep tried to stop the stubborn task")
        .atMost(Duration.ofSeconds(2))
        .untilTrue(stubbornInterrupted);
    GatewayState s = h.state();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.exitCode()).isEqualTo(expected);
    assertThat(s.restartRequested()).isEqualTo(firstTrigger == 'R');
  }

  /** Returns once the request is made, so the next event cannot overtake it. */
  private static void requestRestartFromATask(RuntimeHarness h) throws InterruptedException {
    CountDownLatch requested = new CountDownLatch(1);
    try {
      h.runtime.tasks().spawn("restart-command", () -> {
        h.runtime.request(StopRequest.restart("/restart"));
        requested.countDown();
      });
    } catch (RejectedExecutionException e) {
      h.runtime.request(StopRequest.restart("/restart")); // the set is closed: ask directly
      requested.countDown();
    }
    assertThat(requested.await(5, TimeUnit.SECONDS)).as("restart requested").isTrue();
  }

  /** Whether the task set took it: it is open until the sweep, which the gate holds back. */
  private boolean startStubbornTask(
      RuntimeHarness h, java.util.concurrent.atomic.AtomicBoolean interrupted) {
    try {
      h.runtime.tasks().spawn("stubborn", () -> {
        while (true) {
          try {
            releaseStubborn.await();
            return;
          } catch (InterruptedException ignored) {
            interrupted.set(true); // refuses to die
          }
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}
