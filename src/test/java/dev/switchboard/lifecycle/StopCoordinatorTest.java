package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StopCoordinatorTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch teardownMayFinish = new CountDownLatch(1);
  private final AtomicReference<Thread> teardownThread = new AtomicReference<>();

  private StopCoordinator coordinator(Thread startThread) {
    return new StopCoordinator(
        r -> switch (r.kind()) {
          case STOP -> 0;
          case RESTART -> 75;
          case CONFIG_ERROR -> 78;
          case CRASH -> 1;
        },
        (first, code, startup) -> events.add(
            "intent " + first.source() + " " + code + (startup ? " during start-up" : "")),
        (first, code, startup) -> {
          teardownThread.set(Thread.currentThread());
          events.add("teardown " + first.source());
          try {
            teardownMayFinish.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            events.add("teardown interrupted");
          }
          return code;
        },
        startThread);
  }

  @Test
  void theIntentIsRecordedBeforeTheTeardownAndTheFirstRequestWins() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    assertThat(c.request(StopRequest.restart("/restart"))).isTrue();
    assertThat(c.request(StopRequest.stop("switchboard stop"))).isFalse();
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(75);
    assertThat(events).containsExactly("intent /restart 75", "teardown /restart");
    assertThat(teardownThread.get().getName()).isEqualTo("switchboard-stop");
    assertThat(teardownThread.get().isDaemon()).isFalse();
  }

  @Test
  void aStopAfterARestartCancelsTheRelaunchButNotTheCode() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    c.request(StopRequest.restart("/restart"));
    assertThat(c.relaunchCancelled()).isFalse();
    c.request(StopRequest.signal(StopKind.STOP, "SIGINT"));
    assertThat(c.relaunchCancelled()).isTrue();
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(75);
  }

  @Test
  void aSigtermAfterACrashKeepsTheCrashCode() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    c.request(StopRequest.crash("dispatch loop died"));
    c.request(StopRequest.signal(StopKind.STOP, "SIGTERM"));
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void onlyASecondStopSignalSkipsTheDrain() {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    c.request(StopRequest.stop("switchboard stop"));
    c.request(StopRequest.signal(StopKind.STOP, "SIGTERM"));
    assertThat(c.skipDrain()).as("first signal").isNotDone();
    c.request(StopRequest.signal(StopKind.RESTART, "SIGUSR1"));
    assertThat(c.skipDrain()).as("a restart signal").isNotDone();
    c.request(StopRequest.signal(StopKind.STOP, "SIGINT"));
    assertThat(c.skipDrain()).as("second stop signal").isDone();
    teardownMayFinish.countDown();
  }

  @Test
  void aStopAfterWhichNothingCountsSkipsTheDrainAtOnce() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    assertThat(c.requestWithoutDrain(
            StopRequest.crash("another gateway took over the database"), "lease lost"))
        .isTrue();
    assertThat(c.skipDrain()).isDone();
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(events)
        .containsExactly(
            "intent another gateway took over the database 1",
            "teardown another gateway took over the database");
  }

  @Test
  void aRequestDuringStartUpInterruptsTheStartAndWaitsForItToUnwind() throws Exception {
    CountDownLatch startBlocked = new CountDownLatch(1);
    AtomicBoolean startInterrupted = new AtomicBoolean();
    AtomicReference<StopCoordinator> ref = new AtomicReference<>();
    Thread start = Thread.ofPlatform().unstarted(() -> {
      startBlocked.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        startInterrupted.set(true);
      }
      events.add("start unwound");
      ref.get().startupFinished();
      events.add(
          "interrupt flag after startupFinished: " + Thread.currentThread().isInterrupted());
    });
    StopCoordinator c = coordinator(start);
    ref.set(c);
    start.start();
    assertThat(startBlocked.await(5, TimeUnit.SECONDS)).isTrue();
    c.request(StopRequest.signal(StopKind.STOP, "SIGTERM"));
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isZero();
    start.join();
    assertThat(startInterrupted).isTrue();
    // The teardown begins only after both the intent is recorded and the start has unwound;
    // those two happen on different threads, in either order.
    int teardown = events.indexOf("teardown SIGTERM");
    assertThat(teardown)
        .isGreaterThan(events.indexOf("intent SIGTERM 0 during start-up"))
        .isGreaterThan(events.indexOf("start unwound"));
    assertThat(events).contains("interrupt flag after startupFinished: false").hasSize(4);
  }

  @Test
  void theExitIsReleasedEvenWhenTheTeardownThrows() throws Exception {
    StopCoordinator c = new StopCoordinator(
        r -> 75,
        (f, code, s) -> {},
        (f, code, s) -> {
          throw new IllegalStateException("teardown bug");
        },
        null);
    c.startupFinished();
    c.request(StopRequest.restart("test"));
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isEqualTo(75);
    assertThat(c.teardownRuns()).isEqualTo(1);
  }

  @Test
  void theExitIsReleasedEvenWhenRecordingTheIntentThrows() throws Exception {
    StopCoordinator c = new StopCoordinator(
        r -> 0,
        (f, code, s) -> {
          throw new IllegalStateException("disk full");
        },
        (f, code, s) -> code,
        null);
    c.startupFinished();
    c.request(StopRequest.stop("test"));
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aFailedPreconditionRecordsNothing() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    assertThatThrownBy(() -> c.requestIf(StopRequest.restart("/restart"), () -> {
          throw new IOException("disk full");
        }))
        .isInstanceOf(IOException.class);
    assertThat(c.stopping()).isFalse();
    assertThat(events).isEmpty();
    assertThat(c.request(StopRequest.stop("later"))).isTrue();
    teardownMayFinish.countDown();
    assertThat(c.exitFuture().get(5, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aPreconditionRunsOnlyForTheFirstRequest() throws Exception {
    StopCoordinator c = coordinator(null);
    c.startupFinished();
    c.request(StopRequest.stop("first"));
    AtomicBoolean ran = new AtomicBoolean();
    assertThat(c.requestIf(StopRequest.restart("/restart"), () -> ran.set(true)))
        .isFalse();
    assertThat(ran).isFalse();
    teardownMayFinish.countDown();
  }
}
