package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.command.GatewayControl.RestartOutcome;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryAdapter.DisconnectBehaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle contract (docs/architecture.md) checked on an in-process gateway. */
class GatewayRuntimeTest {
  @TempDir
  Path home;

  private RuntimeHarness harness() {
    return new RuntimeHarness(home);
  }

  @Test
  void idleStopExitsZeroAndRecordsItsIntentBeforeTeardown() throws Exception {
    RuntimeHarness h = harness();
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    assertThat(h.state().state()).isEqualTo("running");
    assertThat(h.state().platforms().get("mem").state()).isEqualTo("connected");
    assertThat(h.notifier.messages).containsExactly("READY=1");

    assertThat(h.runtime.request(StopRequest.stop("switchboard stop"))).isTrue();
    assertThat(h.exitCode()).isZero();
    GatewayState s = h.state();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.exitCode()).isZero();
    assertThat(s.exitReason()).isEqualTo("switchboard stop");
    assertThat(s.restartRequested()).isFalse();
    assertThat(s.platforms().get("mem").state()).isEqualTo("disconnected");
    assertThat(h.notifier.messages).startsWith("READY=1", "STOPPING=1");
    assertThat(h.notifier.messages.get(2)).startsWith("EXTEND_TIMEOUT_USEC=");
    assertThat(chat.connected()).isFalse();
    assertThat(h.runtime.tasks().running()).isEmpty();
    assertThat(h.halts).isEmpty();
  }

  /**
   * The Hermes bug: the restart was requested from a task in the supervised set, and the stop's
   * sweep of that set cancelled it mid-await, so the process hung or exited 0.
   */
  @Test
  void aRestartRequestedFromASupervisedTaskSurvivesTheSweepOfThatTask() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.SYSTEMD;
    h.start();
    CountDownLatch requested = new CountDownLatch(1);
    AtomicBoolean requesterInterrupted = new AtomicBoolean();
    AtomicReference<Thread> requesterThread = new AtomicReference<>();
    h.runtime.tasks().spawn("restart-command", () -> {
      requesterThread.set(Thread.currentThread());
      h.runtime.request(StopRequest.restart("/restart from test"));
      requested.countDown();
      try {
        h.runtime.exitFuture().get(); // awaits the shutdown, as the Hermes restart task did
      } catch (InterruptedException e) {
        requesterInterrupted.set(true); // the sweep cancels it; the stop must not care
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(requested.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(h.exitCode()).isEqualTo(ExitCodes.RESTART);
    assertThat(requesterInterrupted).isTrue();
    assertThat(h.state().state()).isEqualTo("stopped");
    assertThat(h.state().restartRequested()).isTrue();
    assertThat(h.state().exitCode()).isEqualTo(75);
    Thread stopThread = h.notifier.closedBy;
    assertThat(stopThread.getName()).isEqualTo("switchboard-stop");
    assertThat(stopThread).isNotSameAs(requesterThread.get());
    assertThat(h.runtime.tasks().contains(stopThread)).isFalse();
    assertThat(h.halts).isEmpty();
    assertThat(h.relaunches).hasValue(0);
  }

  @Test
  void requestingARestartTwiceIsANoOpTheSecondTime() throws Exception {
    RuntimeHarness h = harness();
    h.start();
    assertThat(h.runtime.request(StopRequest.restart("first"))).isTrue();
    assertThat(h.runtime.request(StopRequest.restart("second"))).isFalse();
    assertThat(h.exitCode()).isEqualTo(75);
    assertThat(h.runtime.stopCoordinator().teardownRuns()).isEqualTo(1);
    assertThat(h.state().exitReason()).isEqualTo("first");
  }

  @Test
  void stopCalledFromManyThreadsAtOnceRunsOnce() throws Exception {
    RuntimeHarness h = harness();
    h.start();
    int threads = 32;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    AtomicInteger winners = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int n = i;
      all.add(Thread.ofPlatform().start(() -> {
        try {
          barrier.await();
          StopRequest r = n % 3 == 0
              ? StopRequest.signal(StopKind.STOP, "SIGTERM")
              : n % 3 == 1 ? StopRequest.restart("restart " + n) : StopRequest.stop("stop " + n);
          if (h.runtime.request(r)) {
            winners.incrementAndGet();
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }));
    }
    for (Thread t : all) {
      t.join();
    }
    int code = h.exitCode();
    assertThat(winners).hasValue(1);
    assertThat(h.runtime.stopCoordinator().teardownRuns()).isEqualTo(1);
    String winner = h.state().exitReason();
    assertThat(code).isEqualTo(winner.startsWith("restart") ? 75 : 0);
  }

  @Test
  void withoutAServiceManagerARestartRelaunchesAndExitsZero() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.start();
    h.runtime.onSignal("USR1");
    assertThat(h.exitCode()).isZero();
    assertThat(h.relaunches).hasValue(1);
    assertThat(h.state().restartRequested()).isTrue();
  }

  @Test
  void aStopDuringARestartCancelsTheRelaunch() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "keep the drain busy");
    backend.awaitStart(5);
    h.runtime.onSignal("USR1");
    h.runtime.onSignal("INT"); // Ctrl-C while restarting: the user wants it stopped
    backend.finishAll();
    assertThat(h.exitCode()).isZero();
    assertThat(h.relaunches).hasValue(0);
  }

  @Test
  void aFailedRelaunchIsACrash() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.relauncher = () -> {
      throw new java.io.IOException("no setsid");
    };
    h.start();
    h.runtime.onSignal("USR1");
    assertThat(h.exitCode()).isEqualTo(ExitCodes.CRASHED);
    assertThat(h.state().exitCode()).isEqualTo(1);
    assertThat(h.state().state()).isEqualTo("stopped");
  }

  @Test
  void signalsMapToStopAndRestart() throws Exception {
    for (String sig : List.of("TERM", "INT", "HUP", "USR1")) {
      Path dir = Files.createTempDirectory(home, sig);
      RuntimeHarness h = new RuntimeHarness(dir);
      h.serviceManager = ServiceManager.KUBERNETES;
      h.start();
      h.runtime.onSignal("WINCH"); // ignored
      h.runtime.onSignal(sig);
      boolean restart = sig.equals("USR1") || sig.equals("HUP");
      assertThat(h.exitCode()).as(sig).isEqualTo(restart ? 75 : 0);
      assertThat(h.state().exitReason()).isEqualTo("SIG" + sig);
      assertThat(h.state().restartRequested()).as(sig).isEqualTo(restart);
    }
  }

  @Test
  void sighupWithoutAServiceManagerIsAStopAsWhenTheTerminalCloses() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.start();
    h.runtime.onSignal("HUP");
    assertThat(h.exitCode()).isZero();
    assertThat(h.relaunches).hasValue(0);
    assertThat(h.state().restartRequested()).isFalse();
    assertThat(h.state().exitReason()).isEqualTo("SIGHUP");
  }

  @Test
  void sighupUnderEachServiceManagerIsARestart() throws Exception {
    for (ServiceManager m : ServiceManager.values()) {
      if (m == ServiceManager.NONE) {
        continue;
      }
      RuntimeHarness h = new RuntimeHarness(Files.createTempDirectory(home, m.label()));
      h.serviceManager = m;
      h.start();
      h.runtime.onSignal("HUP");
      assertThat(h.exitCode()).as(m.label()).isEqualTo(ExitCodes.RESTART);
      assertThat(h.state().restartRequested()).as(m.label()).isTrue();
      assertThat(h.relaunches).as("the service manager starts the next process").hasValue(0);
    }
  }

  @Test
  void restartFromChatIsAnsweredOnceByTheNextProcessAndItsRedeliveryIsIgnored() throws Exception {
    RuntimeHarness first = harness();
    InMemoryAdapter chat1 = new InMemoryAdapter("mem");
    first.adapters.add(chat1);
    first.start();
    InboundMessage restart = chat1.deliver("alice", "/restart");
    assertThat(first.exitCode()).isEqualTo(75);
    assertThat(chat1.transcript("alice")).contains("Restarting");
    assertThat(first.state().exitReason()).isEqualTo("/restart from mem:alice");

    RuntimeHarness second = harness();
    InMemoryAdapter chat2 = new InMemoryAdapter("mem");
    second.adapters.add(chat2);
    second.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat2.transcript("alice")).contains("Gateway restarted"));
    chat2.deliver(restart); // the platform delivers the same update again
    chat2.deliver("alice", "/status"); // processed after the redelivery, in order
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat2.transcript("alice")).contains("Gateway: running"));
    assertThat(second.runtime.stopCoordinator().stopping()).isFalse();
    assertThat(second.runtime.control().requestRestart(restart))
        .isEqualTo(RestartOutcome.ALREADY_HONOURED);
    second.runtime.request(StopRequest.stop("test"));
    assertThat(second.exitCode()).isZero();

    RuntimeHarness third = harness();
    InMemoryAdapter chat3 = new InMemoryAdapter("mem");
    third.adapters.add(chat3);
    third.start();
    third.runtime.request(StopRequest.stop("test"));
    assertThat(third.exitCode()).isZero();
    assertThat(chat3.transcript("alice")).doesNotContain("restarted");
    assertThat(
            chat2.texts("alice").stream().filter(t -> t.contains("restarted")).count())
        .isEqualTo(1);
  }

  @Test
  void theRestartedNoticeIsDroppedWhenItsSendFails() throws Exception {
    RuntimeHarness first = harness();
    InMemoryAdapter chat1 = new InMemoryAdapter("mem");
    first.adapters.add(chat1);
    first.start();
    chat1.deliver("alice", "/restart");
    assertThat(first.exitCode()).isEqualTo(75);

    RuntimeHarness second = harness(); // "mem" is not enabled this time: the send must fail
    second.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> new RestartLedger(home).claimPending().isEmpty());
    second.runtime.request(StopRequest.stop("test"));
    assertThat(second.exitCode()).isZero();
  }

  @Test
  void aTurnInFlightFinishesDuringTheDrainAndItsReplyIsDelivered() throws Exception {
    RuntimeHarness h = harness();
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "work");
    backend.awaitStart(5);
    h.runtime.onSignal("TERM");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(chat.transcript("alice")).contains("shutting down. Finishing your current"));
    assertThat(h.state().state()).isEqualTo("draining");
    assertThat(h.state().activeTurns()).isEqualTo(1);
    chat.deliver("bob", "new work");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(chat.transcript("bob")).contains("I will answer this when it is back"));
    backend.finish("work");
    assertThat(h.exitCode()).isZero();
    assertThat(chat.transcript("alice")).contains("done: work");
    assertThat(h.state().activeTurns()).isZero();
  }

  @Test
  void aTurnStillRunningAtTheDrainTimeoutIsInterruptedAndAnsweredByTheNextProcess()
      throws Exception {
    RuntimeHarness h = harness();
    h.drainTimeout = Duration.ofMillis(200);
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "never ends");
    backend.awaitStart(5);
    long t0 = System.nanoTime();
    h.runtime.request(StopRequest.restart("test"));
    assertThat(h.exitCode()).isEqualTo(75);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(chat.transcript("alice"))
        .contains("Interrupted: Switchboard is restarting. I will"
            + " answer this again when it is back.");

    RuntimeHarness next = harness();
    GatedBackend backend2 = new GatedBackend();
    backend2.finishAll();
    next.backend = backend2;
    InMemoryAdapter chat2 = new InMemoryAdapter("mem");
    next.adapters.add(chat2);
    next.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat2.transcript("alice")).contains("done: never ends"));
    next.runtime.request(StopRequest.stop("test"));
    assertThat(next.exitCode()).isZero();
    assertThat(backend2.finished()).containsExactly("never ends");
  }

  @Test
  void messagesSentDuringARestartAreAnsweredAfterItOnce() throws Exception {
    RuntimeHarness h = harness();
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "long one");
    backend.awaitStart(5);
    h.runtime.request(StopRequest.restart("test"));
    await().until(() -> "draining".equals(h.state().state()));
    InboundMessage during = chat.deliver("bob", "sent while restarting");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("bob"))
            .contains("restarting. I will answer this when it is back"));
    backend.finish("long one");
    assertThat(h.exitCode()).isEqualTo(75);

    RuntimeHarness next = harness();
    GatedBackend backend2 = new GatedBackend();
    backend2.finishAll();
    next.backend = backend2;
    InMemoryAdapter chat2 = new InMemoryAdapter("mem");
    next.adapters.add(chat2);
    next.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(chat2.transcript("bob")).contains("done: sent while restarting"));
    chat2.deliver(during); // the platform delivers it again: it was answered already
    chat2.deliver("bob", "/status");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat2.transcript("bob")).contains("Gateway: running"));
    next.runtime.request(StopRequest.stop("test"));
    assertThat(next.exitCode()).isZero();
    assertThat(backend2.finished()).containsExactly("sent while restarting");
    assertThat(chat.transcript("alice")).contains("done: long one");
  }

  @Test
  void aSecondStopSignalSkipsTheRestOfTheDrain() throws Exception {
    RuntimeHarness h = harness();
    h.drainTimeout = Duration.ofSeconds(60);
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "slow");
    backend.awaitStart(5);
    h.runtime.onSignal("TERM");
    await().until(() -> "draining".equals(h.state().state()));
    long t0 = System.nanoTime();
    h.runtime.onSignal("TERM");
    assertThat(h.exitFuture().get(5, TimeUnit.SECONDS)).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    assertThat(chat.transcript("alice")).contains("Interrupted: Switchboard is shutting down");
  }

  @Test
  void anAdapterThatHangsInDisconnectIsAbandonedInTime() throws Exception {
    RuntimeHarness h = harness();
    InMemoryAdapter stuck = new InMemoryAdapter("stuck");
    stuck.disconnectBehaviour(DisconnectBehaviour.HANG_IGNORING_INTERRUPTS);
    InMemoryAdapter broken = new InMemoryAdapter("broken");
    broken.disconnectBehaviour(DisconnectBehaviour.THROW);
    h.adapters.add(stuck);
    h.adapters.add(broken);
    h.start();
    long t0 = System.nanoTime();
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(h.disconnectTimeout.plusSeconds(1));
    GatewayState s = h.state();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.platforms().get("stuck").lastError()).isEqualTo("disconnect timed out");
    assertThat(s.platforms().get("broken").lastError()).contains("simulated disconnect failure");
    assertThat(h.halts).isEmpty();
  }

  @Test
  void aRelaunchThatHangsIsAbandonedInTimeAndReportedAsACrash() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.drainTimeout = Duration.ofMillis(100);
    h.grace = Duration.ofSeconds(1);
    CountDownLatch never = new CountDownLatch(1);
    h.relauncher = () -> {
      while (true) {
        try {
          never.await(); // a relaunch stuck for good
          return;
        } catch (InterruptedException ignored) {
          // refuses to stop
        }
      }
    };
    h.start();
    h.runtime.onSignal("USR1");
    try {
      assertThat(h.exitCode()).isEqualTo(ExitCodes.CRASHED);
      assertThat(h.halts).isEmpty();
      GatewayState s = h.state();
      assertThat(s.state()).isEqualTo("stopped");
      assertThat(s.exitReason())
          .startsWith("SIGUSR1; relaunch failed: the relaunch did not" + " finish within");
    } finally {
      never.countDown();
    }
  }

  @Test
  void theHardDeadlineEndsAStuckStopWithTheRecordedCodeAndAThreadDump() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.SYSTEMD;
    h.drainTimeout = Duration.ofMillis(100);
    h.grace = Duration.ofSeconds(1);
    CountDownLatch release = new CountDownLatch(1);
    h.notifier.hangInClose = release; // the last step of the teardown never returns
    h.start();
    long t0 = System.nanoTime();
    h.runtime.onSignal("USR1");
    try {
      assertThat(h.exitFuture().get(10, TimeUnit.SECONDS)).isEqualTo(75);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(took)
          .isBetween(
              Duration.ofMillis(1100),
              Duration.ofMillis(1100).plus(HardDeadline.LAST_WORDS).plusSeconds(1));
      assertThat(h.halts).containsExactly(75);
      assertThat(h.state().state()).isEqualTo("stopped");
      try (var dumps = Files.list(home.resolve("logs"))) {
        assertThat(dumps.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("threads-"));
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void theHardDeadlineKeepsARestartARestartWhenTheStopNeverGotGoing() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.drainTimeout = Duration.ofMillis(100);
    h.grace = Duration.ofSeconds(1);
    CountDownLatch release = new CountDownLatch(1);
    h.notifier.hangInExtendTimeout = release; // recording the intent itself gets stuck
    h.start();
    Thread.ofPlatform().start(() -> h.runtime.onSignal("USR1"));
    try {
      assertThat(h.exitFuture().get(15, TimeUnit.SECONDS)).isZero();
      assertThat(h.halts).containsExactly(0);
      assertThat(h.relaunches).hasValue(1);
    } finally {
      release.countDown();
      // In a real process the halt ends everything; here, let the freed stop finish its files.
      await().atMost(Duration.ofSeconds(10)).until(() -> h.notifier.closedBy != null);
    }
  }

  @Test
  void aTurnThatIgnoresInterruptsCannotStretchTheStopPastItsBudget() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    h.drainTimeout = Duration.ofMillis(500);
    h.grace = Duration.ofSeconds(2);
    GatedBackend backend = new GatedBackend();
    backend.ignoreCancel(true);
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "stubborn");
    backend.awaitStart(5);
    long t0 = System.nanoTime();
    h.runtime.onSignal("USR1");
    try {
      assertThat(h.exitCode()).isZero();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(took).isLessThan(Duration.ofMillis(500 + 1600 + 500));
      assertThat(h.halts).isEmpty();
      assertThat(h.relaunches).hasValue(1);
      assertThat(h.state().restartRequested()).isTrue();
    } finally {
      backend.finishAll();
    }
  }

  @Test
  void timeTheDrainDidNotUseIsNotGivenToATaskThatRefusesToDie() throws Exception {
    RuntimeHarness h = harness();
    h.drainTimeout = Duration.ofSeconds(30);
    h.grace = Duration.ofSeconds(1);
    h.start();
    CountDownLatch release = new CountDownLatch(1);
    h.runtime.tasks().spawn("stubborn", () -> {
      while (true) {
        try {
          release.await();
          return;
        } catch (InterruptedException ignored) {
          // refuses to die
        }
      }
    });
    long t0 = System.nanoTime();
    h.runtime.onSignal("TERM");
    try {
      assertThat(h.exitCode()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
      assertThat(h.halts).isEmpty();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aPlatformThatFailsToConnectDoesNotHoldBackTheWatchdog() throws Exception {
    RuntimeHarness h = harness();
    h.notifier.watchdog = Optional.of(Duration.ofMillis(200));
    h.adapters.add(new InMemoryAdapter("flaky") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        context.heartbeat("receive", Duration.ofMillis(100)); // its loop will never beat
        throw new IllegalStateException("connection refused");
      }
    });
    h.start();
    int before = (int) h.notifier.messages.stream().filter("WATCHDOG=1"::equals).count();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> h.notifier.messages.stream().filter("WATCHDOG=1"::equals).count() >= before + 3);
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
  }

  @Test
  void aStopThatCancelsARestartIsRecordedAsAStop() throws Exception {
    RuntimeHarness h = harness();
    h.serviceManager = ServiceManager.NONE;
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    h.start();
    chat.deliver("alice", "busy");
    backend.awaitStart(5);
    h.runtime.onSignal("USR1");
    h.runtime.onSignal("TERM");
    backend.finishAll();
    assertThat(h.exitCode()).isZero();
    GatewayState s = h.state();
    assertThat(s.restartRequested()).isFalse();
    assertThat(s.exitReason()).isEqualTo("SIGUSR1; restart cancelled by a later stop request");
  }

  @Test
  void aStopDuringStartUpAbortsTheStartAndNeverReportsReady() throws Exception {
    RuntimeHarness h = harness();
    CountDownLatch connecting = new CountDownLatch(1);
    h.connectTimeout = Duration.ofSeconds(30);
    h.adapters.add(new InMemoryAdapter("slow") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        connecting.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    h.startWithoutWaiting();
    assertThat(connecting.await(5, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    assertThat(h.notifier.messages).doesNotContain("READY=1");
    assertThat(h.state().state()).isEqualTo("stopped");
  }

  @Test
  void aFailedPlatformIsReportedAndTheGatewayRunsOn() throws Exception {
    RuntimeHarness h = harness();
    h.adapters.add(new InMemoryAdapter("bad") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        throw new IllegalStateException("401 Unauthorized: check the bot token");
      }
    });
    h.start();
    assertThat(h.state().state()).isEqualTo("running");
    assertThat(h.state().platforms().get("bad").state()).isEqualTo("failed");
    assertThat(h.state().platforms().get("bad").lastError()).contains("401 Unauthorized");
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
  }

  @Test
  void theReadyStatusCountsWhatIsConnectedAndNamesTheRest() throws Exception {
    RuntimeHarness h = harness();
    h.adapters.add(new InMemoryAdapter("api"));
    h.adapters.add(new InMemoryAdapter("telegram") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        super.connect(inbound, context);
        // as the Bot API adapter does: connected only once a getUpdates succeeded
        context.reportState(PlatformState.CONNECTING, "waiting for the first getUpdates");
      }
    });
    h.adapters.add(new InMemoryAdapter("bad") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        throw new IllegalStateException("401 Unauthorized");
      }
    });
    h.start();
    assertThat(h.notifier.readyStatus)
        .isEqualTo("Running: 1 of 3 platform(s) connected; bad failed"
            + " (IllegalStateException: 401 Unauthorized), telegram connecting (waiting for the"
            + " first getUpdates)");
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
  }

  @Test
  void aDeadDispatchLoopIsACrashSoTheSupervisorRestartsUs() throws Exception {
    RuntimeHarness h = harness();
    h.start();
    h.runtime.dispatcher().close(); // the loop ends while nobody asked for a stop
    assertThat(h.exitCode()).isEqualTo(ExitCodes.CRASHED);
    assertThat(h.state().exitReason()).contains("dispatch-loop").contains("ended unexpectedly");
    assertThat(h.state().state()).isEqualTo("stopped");
  }

  @Test
  void watchdogPingsWhileTheLoopsMakeProgress() throws Exception {
    RuntimeHarness h = harness();
    h.notifier.watchdog = Optional.of(Duration.ofMillis(200));
    h.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> h.notifier.messages.stream().filter("WATCHDOG=1"::equals).count() >= 3);
    h.runtime.onSignal("TERM");
    assertThat(h.exitCode()).isZero();
  }

  @Test
  void restartOutcomesForChatRequests() throws Exception {
    RuntimeHarness h = harness();
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    h.adapters.add(chat);
    GatedBackend backend = new GatedBackend();
    h.backend = backend;
    h.start();
    chat.deliver("alice", "busy");
    backend.awaitStart(5);
    InboundMessage first = chat.message("alice", "/restart");
    InboundMessage other = chat.message("bob", "/restart");
    assertThat(h.runtime.control().requestRestart(first)).isEqualTo(RestartOutcome.ACCEPTED);
    assertThat(h.runtime.control().requestRestart(other))
        .isEqualTo(RestartOutcome.ALREADY_STOPPING);
    assertThat(h.runtime.control().requestRestart(first))
        .isEqualTo(RestartOutcome.ALREADY_HONOURED);
    backend.finishAll();
    assertThat(h.exitCode()).isEqualTo(75);
    assertThat(new RestartLedger(home).claimPending())
        .get()
        .extracting(RestartLedger.Requester::chatId)
        .isEqualTo("alice");
  }
}
