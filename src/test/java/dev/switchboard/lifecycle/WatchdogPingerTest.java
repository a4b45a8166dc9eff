package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WatchdogPinger against a recording notifier. Heartbeats read a fake ticker, which also counts
 * the pinger thread's reads: each iteration reads it once per non-retired heartbeat (in
 * {@link ProgressMonitor#stalled()}, plus once per stalled one when it logs), which tells the
 * test how many iterations have passed without sleeping.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchdogPingerTest {
  /** WATCHDOG_USEC equivalent; the pinger runs every 50 ms. */
  private static final Duration WATCHDOG = Duration.ofMillis(100);

  private static final Duration MAX_SILENCE = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String PINGER_NAME = "watchdog-test";

  private final ManualClock clock = new ManualClock();
  private final AtomicLong reads = new AtomicLong();
  private final Ticker ticker = () -> {
    if (Thread.currentThread().getName().equals(PINGER_NAME)) {
      reads.incrementAndGet(); // the test's own reads do not count
    }
    return clock.nanos();
  };
  private final RecordingNotifier notifier = new RecordingNotifier();
  private final ProgressMonitor progress = new ProgressMonitor();
  private Thread pinger;

  @AfterEach
  void stopPinger() throws InterruptedException {
    if (pinger != null && pinger.isAlive()) {
      pinger.interrupt();
      assertThat(pinger.join(WAIT)).as("the pinger exits when interrupted").isTrue();
    }
  }

  private void startPinger() {
    pinger = Thread.ofVirtual()
        .name(PINGER_NAME)
        .start(new WatchdogPinger(notifier, progress, WATCHDOG));
  }

  private Heartbeat heartbeat(String name, Duration maxSilence) {
    Heartbeat h = new Heartbeat(name, maxSilence, ticker);
    progress.register(h);
    return h;
  }

  private void advance(Duration d) {
    clock.advance(d);
  }

  /** Waits until the pinger has run at least {@code n} more iterations from now. */
  private void awaitIterations(int n, int tickerReadsPerIteration) {
    long target = reads.get() + (long) n * tickerReadsPerIteration;
    await().atMost(WAIT).until(() -> reads.get() >= target);
  }

  private void awaitPings(int atLeastMore) {
    int target = notifier.pings.get() + atLeastMore;
    await().atMost(WAIT).until(() -> notifier.pings.get() >= target);
  }

  /**
   * Proves no ping is sent over several iterations. The first iterations let one that read the
   * heartbeats before the change finish its ping; from then on the count must not move.
   */
  private void assertPingsWithheld(int tickerReadsPerIteration) {
    awaitIterations(2, tickerReadsPerIteration);
    int settled = notifier.pings.get();
    awaitIterations(4, tickerReadsPerIteration);
    assertThat(notifier.pings.get())
        .as("watchdog pings while a loop is stalled")
        .isEqualTo(settled);
  }

  @Test
  void pingsFlowWhileEveryLoopBeats() {
    Heartbeat dispatch = heartbeat("dispatch-loop", MAX_SILENCE);
    heartbeat("receive-loop:telegram", MAX_SILENCE);
    startPinger();

    awaitPings(3);
    // time moves, but every loop keeps beating
    advance(Duration.ofSeconds(8));
    dispatch.beat();
    awaitPings(3);
    assertThat(notifier.otherCalls.get()).isZero();
  }

  @Test
  void pingsFlowWithNoMonitoredLoops() {
    startPinger();
    awaitPings(3);
  }

  @Test
  void pingsStopWhileALoopIsStalledAndResumeWhenItBeatsAgain() {
    Heartbeat dispatch = heartbeat("dispatch-loop", MAX_SILENCE);
    Heartbeat receive = heartbeat("receive-loop:telegram", Duration.ofHours(1));
    startPinger();
    awaitPings(2);

    advance(MAX_SILENCE.plusMillis(1)); // dispatch is now silent for longer than allowed
    assertThat(dispatch.stalled()).isTrue();
    assertThat(receive.stalled()).isFalse();
    assertPingsWithheld(2);

    dispatch.beat();
    awaitPings(3);
  }

  @Test
  void silenceOfExactlyTheLimitIsNotYetAStall() {
    heartbeat("dispatch-loop", MAX_SILENCE);
    startPinger();
    advance(MAX_SILENCE);
    awaitPings(3);
  }

  @Test
  void anyOneStalledLoopWithholdsThePing() {
    Heartbeat a = heartbeat("a", MAX_SILENCE);
    Heartbeat b = heartbeat("b", MAX_SILENCE);
    startPinger();
    awaitPings(1);

    advance(MAX_SILENCE.multipliedBy(2));
    a.beat(); // a is fine, b is not
    assertPingsWithheld(2);

    b.beat();
    awaitPings(2);
  }

  @Test
  void aRetiredHeartbeatDoesNotBlockPings() {
    Heartbeat alive = heartbeat("dispatch-loop", Duration.ofHours(1));
    Heartbeat adapter = heartbeat("receive-loop:slack", MAX_SILENCE);
    startPinger();
    awaitPings(1);

    advance(MAX_SILENCE.multipliedBy(3));
    assertPingsWithheld(2);

    adapter.retire(); // the adapter stopped on purpose; it is no longer expected to beat
    awaitPings(3);
    assertThat(adapter.stalled()).isFalse();
    assertThat(alive.stalled()).isFalse();
  }

  @Test
  void aHeartbeatRetiredBeforeTheStallNeverBlocksPings() {
    heartbeat("dispatch-loop", Duration.ofHours(1));
    Heartbeat gone = heartbeat("receive-loop:discord", MAX_SILENCE);
    gone.retire();
    startPinger();
    advance(MAX_SILENCE.multipliedBy(100));
    awaitPings(3);
  }

  @Test
  void aLoopRegisteredLaterIsWatchedToo() {
    startPinger();
    awaitPings(1);

    heartbeat("late-loop", MAX_SILENCE);
    advance(MAX_SILENCE.plusSeconds(1));
    assertPingsWithheld(1);
  }

  @Test
  void thePeriodIsHalfTheWatchdogTimeout() {
    heartbeat("dispatch-loop", MAX_SILENCE);
    long t0 = System.nanoTime();
    startPinger();
    awaitPings(10);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    // 10 pings need 9 periods of 50 ms; at the full timeout (100 ms) they would need 900 ms
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(440))
        .isLessThan(Duration.ofMillis(880));
  }

  @Test
  void exitsPromptlyWhenInterrupted() throws InterruptedException {
    heartbeat("dispatch-loop", MAX_SILENCE);
    startPinger();
    awaitPings(1);

    pinger.interrupt();
    assertThat(pinger.join(WAIT)).isTrue();
    int after = notifier.pings.get();
    assertThat(pinger.isAlive()).isFalse();
    assertThat(notifier.pings.get()).isEqualTo(after);
  }

  @Test
  void exitsWhenInterruptedWhileWithholding() throws InterruptedException {
    heartbeat("dispatch-loop", MAX_SILENCE);
    startPinger();
    advance(MAX_SILENCE.multipliedBy(2));
    assertPingsWithheld(1);

    pinger.interrupt();
    assertThat(pinger.join(WAIT)).isTrue();
  }

  @Test
  void exitsAtOnceIfStartedInterrupted() throws InterruptedException {
    Thread t = Thread.ofVirtual().unstarted(() -> {
      Thread.currentThread().interrupt();
      new WatchdogPinger(notifier, progress, WATCHDOG).run();
    });
    t.start();
    assertThat(t.join(WAIT)).isTrue();
    assertThat(notifier.pings.get()).isZero();
  }

  /** Records what the pinger sends. */
  private static final class RecordingNotifier implements SupervisorNotifier {
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger otherCalls = new AtomicInteger();

    @Override
    public void ready(String status) {
      otherCalls.incrementAndGet();
    }

    @Override
    public void stopping(String status) {
      otherCalls.incrementAndGet();
    }

    @Override
    public void extendTimeout(Duration extra) {
      otherCalls.incrementAndGet();
    }

    @Override
    public void watchdog() {
      pings.incrementAndGet();
    }

    @Override
    public Optional<Duration> watchdogTimeout() {
      return Optional.of(WATCHDOG);
    }
  }
}
