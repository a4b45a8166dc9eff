package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime keeps a platform connected (issue 20): a connect that fails for a reason that
 * passes is retried with a capped full-jitter backoff, a refusal of the credentials every
 * refused_every, a loop that ends after the connect makes a new connection, and a stop ends a
 * retry wait at once. The waits go through a sleeper the test lets pass, so no test waits for a
 * backoff and each interleaving is forced, not hoped for.
 */
class PlatformReconnectTest {
  private static final ReconnectPolicy POLICY =
      new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(10));

  @TempDir
  Path home;

  private final StepSleeper sleeper = new StepSleeper();
  private final ProgressMonitor progress = new ProgressMonitor();
  private final TaskSupervisor tasks = new TaskSupervisor(Ticker.system(), reason -> {});
  private StateFile stateFile;
  private final List<String> told = new CopyOnWriteArrayList<>();
  private final PlatformEvents events = new PlatformEvents() {
    @Override
    public void failed(String platform, String why) {
      told.add("failed " + platform + ": " + why);
    }

    @Override
    public void back(String platform) {
      told.add("back " + platform);
    }

    @Override
    public void operatorNotice(String platform, String text) {
      told.add("notice " + platform + ": " + text);
    }
  };

  @AfterEach
  void stopTasks() {
    tasks.shutdown(Duration.ofSeconds(2));
  }

  /** Each sleep is recorded and waits until the test lets one pass. */
  static final class StepSleeper implements Sleeper {
    final BlockingQueue<Duration> asked = new LinkedBlockingQueue<>();
    private final Semaphore passes = new Semaphore(0);

    @Override
    public void sleep(Duration d) throws InterruptedException {
      asked.add(d);
      passes.acquire();
    }

    Duration nextWait() throws InterruptedException {
      Duration d = asked.poll(5, TimeUnit.SECONDS);
      assertThat(d).as("a retry wait was asked for").isNotNull();
      return d;
    }

    void pass() {
      passes.release();
    }
  }

  private PlatformSlot slot(InMemoryAdapter adapter, Sleeper sleeper) {
    Clock clock = Clock.systemUTC();
    stateFile = new StateFile(
        home, GatewayState.starting(1, "test", home.toString(), clock.instant()), clock);
    return new PlatformSlot(
        adapter,
        new SlotServices(
            tasks,
            progress,
            stateFile,
            new InMemoryStore().cursors(),
            platform -> Optional.empty(),
            List.of(),
            new CredentialLocks(home.resolve("locks")),
            () -> false,
            GatewayEvents.NONE,
            POLICY,
            events,
            (target, text, files, key) ->
                new ProactiveSender.Outcome.Refused(503, "not in this test"),
            Duration.ofSeconds(1),
            sleeper,
            clock,
            Ticker.system(),
            (platform, messageId, code, reason) -> {}));
  }

  private GatewayState.PlatformStatus status(String name) {
    return stateFile.current().platforms().get(name);
  }

  /**
   * What a real adapter's connect throws (a checked PlatformException), from the in-memory
   * adapter, whose connect declares none.
   */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
    throw (E) e;
  }

  /** Connects after {@code failures} failed attempts, each failing with {@code error}. */
  private static InMemoryAdapter failing(int failures, PlatformException error, AtomicInteger n) {
    return new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        if (n.incrementAndGet() <= failures) {
          throwUnchecked(error);
        }
        super.connect(inbound, context);
      }
    };
  }

  @Test
  void anUnreachablePlatformIsRetriedWithBackoffUntilItConnects() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    InMemoryAdapter adapter = failing(
        3,
        new PlatformException(
            "getMe: ConnectException", PlatformException.Kind.TRANSIENT, null, null),
        attempts);
    PlatformSlot slot = slot(adapter, sleeper);

    assertThat(slot.connect(m -> {}, Duration.ofSeconds(5))).isFalse();

    for (int failure = 0; failure < 3; failure++) {
      Duration wait = sleeper.nextWait();
      // full jitter: drawn from [0, min(cap, first * 2^n)]
      long window = Math.min(POLICY.maxDelay().toMillis(), 1000L << failure);
      assertThat(wait.toMillis()).isBetween(0L, window);
      GatewayState.PlatformStatus s = status("mem");
      assertThat(s.state()).isEqualTo("connecting");
      assertThat(s.lastError()).contains("getMe: ConnectException");
      assertThat(s.nextAttempt())
          .isNotNull()
          .isBetween(Instant.now().minusSeconds(1), Instant.now().plus(wait).plusSeconds(1));
      sleeper.pass();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
    assertThat(attempts).hasValue(4);
    assertThat(adapter.disconnectCalls())
        .as("torn down before each new attempt")
        .isEqualTo(3);
    assertThat(status("mem").nextAttempt()).isNull();
    assertThat(status("mem").lastError()).isNull();
    assertThat(sleeper.asked).isEmpty();
  }

  @Test
  void theBackoffIsCappedHoweverLongThePlatformIsAway() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    PlatformSlot slot = slot(
        failing(
            12,
            new PlatformException("HTTP 502", PlatformException.Kind.TRANSIENT, null, null),
            attempts),
        sleeper);
    slot.connect(m -> {}, Duration.ofSeconds(5));
    long longest = 0;
    for (int failure = 0; failure < 12; failure++) {
      longest = Math.max(longest, sleeper.nextWait().toMillis());
      sleeper.pass();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
    assertThat(longest).isLessThanOrEqualTo(POLICY.maxDelay().toMillis());
  }

  @Test
  void refusedCredentialsAreFailedAndTriedAgainSlowlyUntilFixed() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    PlatformSlot slot = slot(
        failing(
            2,
            new PlatformException("getMe: Unauthorized", PlatformException.Kind.FATAL, null, null),
            attempts),
        sleeper);

    slot.connect(m -> {}, Duration.ofSeconds(5));

    assertThat(sleeper.nextWait()).isEqualTo(POLICY.refusedEvery());
    assertThat(status("mem").state()).isEqualTo("failed");
    assertThat(status("mem").lastError()).isEqualTo("PlatformException: getMe: Unauthorized");
    assertThat(status("mem").nextAttempt())
        .isAfter(Instant.now().plus(POLICY.refusedEvery()).minusSeconds(5));
    sleeper.pass();
    assertThat(sleeper.nextWait()).isEqualTo(POLICY.refusedEvery());
    sleeper.pass(); // the token was fixed in the platform's console meanwhile
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
    assertThat(attempts).hasValue(3);
    assertThat(told)
        .containsExactly(
            "failed mem: PlatformException: getMe: Unauthorized",
            "failed mem: PlatformException: getMe: Unauthorized",
            "back mem");
  }

  @Test
  void aConnectThatHangsIsAbandonedAndTriedAgain() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        if (attempts.incrementAndGet() == 1) {
          try {
            never.await(); // getMe that never answers
          } catch (InterruptedException e) {
            throwUnchecked(e);
          }
        }
        super.connect(inbound, context);
      }
    };
    PlatformSlot slot = slot(adapter, sleeper);

    assertThat(slot.connect(m -> {}, Duration.ofMillis(200))).isFalse();
    sleeper.nextWait();
    assertThat(status("mem").state()).isEqualTo("connecting");
    assertThat(status("mem").lastError()).isEqualTo("connect timed out after 0 s");
    sleeper.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
  }

  @Test
  void aLoopThatEndsAfterTheConnectIsFollowedByANewConnection() throws Exception {
    AtomicInteger connects = new AtomicInteger();
    CountDownLatch endFirstLoop = new CountDownLatch(1);
    AtomicReference<Heartbeat> firstBeat = new AtomicReference<>();
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        super.connect(inbound, context);
        if (connects.incrementAndGet() == 1) {
          firstBeat.set(context.heartbeat("poll", Duration.ofMinutes(1)));
          context.spawn("poll", () -> {
            try {
              endFirstLoop.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        }
      }
    };
    PlatformSlot slot = slot(adapter, sleeper);
    assertThat(slot.connect(m -> {}, Duration.ofSeconds(5))).isTrue();
    assertThat(progress.all()).contains(firstBeat.get());

    endFirstLoop.countDown(); // the poll loop dies

    Duration wait = sleeper.nextWait();
    assertThat(wait).isLessThanOrEqualTo(POLICY.firstDelay());
    assertThat(status("mem").state()).isEqualTo("connecting");
    assertThat(status("mem").lastError()).isEqualTo("its poll loop ended");
    assertThat(firstBeat.get().retired())
        .as("the watchdog must not wait for it")
        .isTrue();
    assertThat(progress.all()).doesNotContain(firstBeat.get());
    sleeper.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
    assertThat(adapter.disconnectCalls()).isEqualTo(1);
  }

  @Test
  void aLoopThatEndsWhileTheConnectIsStillRunningIsNotLost() throws Exception {
    AtomicInteger connects = new AtomicInteger();
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        super.connect(inbound, context);
        if (connects.incrementAndGet() == 1) {
          AtomicReference<Thread> loop = new AtomicReference<>();
          CountDownLatch started = new CountDownLatch(1);
          context.spawn("gateway", () -> {
            loop.set(Thread.currentThread());
            started.countDown(); // and ends at once: the connection closed under us
          });
          try {
            started.await();
            loop.get().join(); // its end is reported before this connect returns
          } catch (InterruptedException e) {
            throwUnchecked(e);
          }
        }
      }
    };
    PlatformSlot slot = slot(adapter, sleeper);

    slot.connect(m -> {}, Duration.ofSeconds(5));

    sleeper.nextWait();
    assertThat(status("mem").lastError()).isEqualTo("its gateway loop ended");
    sleeper.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> connects.get() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
  }

  @Test
  void aLoopThatFailedForGoodIsTriedAgainSlowly() throws Exception {
    AtomicInteger connects = new AtomicInteger();
    CountDownLatch revoke = new CountDownLatch(1);
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        super.connect(inbound, context);
        if (connects.incrementAndGet() == 1) {
          context.spawn("poll", () -> {
            try {
              revoke.await();
              context.reportState(PlatformState.FAILED, "getUpdates: Unauthorized");
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        }
      }
    };
    PlatformSlot slot = slot(adapter, sleeper);
    slot.connect(m -> {}, Duration.ofSeconds(5));

    revoke.countDown(); // the token was revoked while running

    assertThat(sleeper.nextWait()).isEqualTo(POLICY.refusedEvery());
    assertThat(status("mem").state()).isEqualTo("failed");
    assertThat(status("mem").lastError()).isEqualTo("getUpdates: Unauthorized");
    sleeper.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
  }

  @Test
  void theStopEndsARetryWaitAtOnceAndNothingConnectsAfterIt() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    InMemoryAdapter adapter = failing(
        1000,
        new PlatformException("ConnectException", PlatformException.Kind.TRANSIENT, null, null),
        attempts);
    // a real wait: what the stop must cut short
    PlatformSlot slot = slot(adapter, Sleeper.SYSTEM);
    slot.connect(m -> {}, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> tasks.running().contains("mem reconnect"));
    int before = attempts.get();

    long t0 = System.nanoTime();
    slot.disconnect(Duration.ofSeconds(5));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isLessThan(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(2)).until(() -> !tasks.running().contains("mem reconnect"));
    assertThat(attempts.get()).isLessThanOrEqualTo(before + 1);
    assertThat(slot.state()).isEqualTo(PlatformState.DISCONNECTED);
  }

  @Test
  void theStopsDisconnectIsFinalButATearDownIsNot() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    AtomicInteger attempts = new AtomicInteger();
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        if (attempts.incrementAndGet() == 1) {
          throwUnchecked(
              new PlatformException("reset", PlatformException.Kind.TRANSIENT, null, null));
        }
        super.connect(inbound, context);
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    PlatformSlot slot = slot(adapter, sleeper);
    slot.connect(m -> {}, Duration.ofSeconds(5));
    sleeper.nextWait();
    sleeper.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> slot.state() == PlatformState.CONNECTED);
    assertThat(closes).as("the teardown before the retry keeps the adapter").hasValue(0);

    slot.disconnect(Duration.ofSeconds(1));

    assertThat(closes).hasValue(1);
  }
}
