package dev.switchboard.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Backoff;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The loop's mechanics against a scripted connection, on a clock the test drives: each sleep
 * moves the clock on at once, so backoffs of minutes take no time.
 */
class ReconnectingLoopTest {
  private static final Duration MAX_SILENCE = Duration.ofSeconds(60);

  private final ManualClock clock = new ManualClock();
  private final Heartbeat heartbeat = new Heartbeat("test loop", MAX_SILENCE, clock);
  private final List<String> reports = new CopyOnWriteArrayList<>();
  private final Backoff backoff =
      Backoff.equalJitter(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(42));

  /** Nanos of the clock at each attempt's start. */
  private final List<Long> attemptsAt = new ArrayList<>();

  private ReconnectingLoop loop(ScriptedConnection connection, Sleeper sleeper) {
    return new ReconnectingLoop(
        connection,
        backoff,
        heartbeat,
        (state, why) -> reports.add(state.label() + (why == null ? "" : ": " + why)),
        sleeper);
  }

  @Test
  void failuresBackOffLongerEachTimeAndAConnectionThatWasUpStartsOver() {
    ScriptedConnection connection = new ScriptedConnection();
    for (int i = 0; i < 4; i++) {
      connection.then(link -> ReconnectingLoop.End.retry("refused"));
    }
    connection.then(link -> {
      assertThat(link.connected()).isTrue();
      return ReconnectingLoop.End.retry("dropped");
    });
    connection.then(link -> ReconnectingLoop.End.retry("refused"));
    connection.then(link -> ReconnectingLoop.End.retry("refused"));
    connection.then(link -> ReconnectingLoop.End.fatal("done"));

    loop(connection, clock).run();

    List<Duration> gaps = gaps();
    assertThat(gaps).hasSize(7);
    // Windows of 1, 2, 4 and 8 s: each wait in the upper half of its window.
    assertThat(gaps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(gaps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(gaps.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(gaps.get(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(gaps.get(4))
        .as("reconnects at once after a connection that was up")
        .isZero();
    assertThat(gaps.get(5))
        .as("the backoff started over")
        .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(gaps.get(6)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(reports)
        .containsExactly(
            "connecting: refused",
            "connecting: refused",
            "connecting: refused",
            "connecting: refused",
            "connected",
            "connecting: dropped",
            "connecting: refused",
            "connecting: refused",
            "failed: done");
  }

  @Test
  void aFatalEndStopsWithoutReconnectingAndFailsThePlatformWithTheReason() {
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> ReconnectingLoop.End.fatal("the token was refused (4004)"));
    ReconnectingLoop loop = loop(connection, clock);

    loop.run();

    assertThat(connection.attempts).isEqualTo(1);
    assertThat(clock.sleeps()).isEmpty();
    assertThat(reports).containsExactly("failed: the token was refused (4004)");
    assertThat(heartbeat.retired()).as("no loop runs any more").isTrue();
    assertThat(connection.closed).isTrue();
    assertThatThrownBy(() -> loop.awaitFirstConnection(Duration.ZERO))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.fatal()).isTrue();
          assertThat(e.getMessage()).isEqualTo("the token was refused (4004)");
        });
  }

  @Test
  void aStopDuringABackoffWaitEndsTheLoopPromptly() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    Sleeper untilInterrupted = d -> {
      waiting.countDown();
      new CountDownLatch(1).await(); // only an interrupt ends this wait
    };
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> ReconnectingLoop.End.retry("refused").plus(Duration.ofHours(1)));
    ReconnectingLoop loop = loop(connection, untilInterrupted);
    Thread thread = Thread.ofVirtual().start(loop::run);
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

    long t0 = System.nanoTime();
    loop.stop();

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(thread.join(Duration.ofSeconds(1))).as("the loop has ended").isTrue();
    assertThat(connection.attempts).isEqualTo(1);
    assertThat(connection.closed).isTrue();
    assertThat(heartbeat.retired()).isTrue();
    assertThat(reports).containsExactly("connecting: refused");
  }

  @Test
  void theHeartbeatBeatsAllThroughALongWaitAndAPause() {
    List<Duration> silenceAtEachSleep = new ArrayList<>();
    Sleeper watching = d -> {
      silenceAtEachSleep.add(heartbeat.silence());
      clock.sleep(d);
      assertThat(heartbeat.stalled()).as("stalled after %s", d).isFalse();
    };
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> {
      try {
        link.pause(Duration.ofMinutes(3)); // a limit the platform set, inside an attempt
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return ReconnectingLoop.End.degraded("rate-limited").plus(Duration.ofMinutes(10));
    });
    connection.then(link -> ReconnectingLoop.End.fatal("done"));

    loop(connection, watching).run();

    assertThat(clock.sleeps()).allMatch(d -> d.compareTo(MAX_SILENCE.dividedBy(4)) <= 0);
    assertThat(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .isBetween(
            Duration.ofMinutes(13).plusMillis(500), Duration.ofMinutes(13).plusSeconds(1));
    assertThat(silenceAtEachSleep).hasSize(clock.sleeps().size()).allMatch(Duration::isZero);
  }

  @Test
  void anEndCountedApartDrawsFromItsOwnBackoffAndAQuietEndReportsNothing() {
    Backoff conflicts =
        Backoff.equalJitter(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(1));
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> ReconnectingLoop.End.quietly("timed out"));
    connection.then(link -> ReconnectingLoop.End.degraded("409").drawingFrom(conflicts));
    connection.then(link -> ReconnectingLoop.End.degraded("409").drawingFrom(conflicts));
    connection.then(link -> ReconnectingLoop.End.quietly("timed out"));
    connection.then(link -> ReconnectingLoop.End.fatal("done"));

    loop(connection, clock).run();

    List<Duration> gaps = gaps();
    assertThat(gaps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(gaps.get(1)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    assertThat(gaps.get(2)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(gaps.get(3))
        .as("the loop's own backoff went on where it was")
        .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(reports).containsExactly("degraded: 409", "degraded: 409", "failed: done");
  }

  @Test
  void connectedIsReportedOnceUntilSomethingElseIsReported() {
    List<Boolean> news = new ArrayList<>();
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> {
      news.add(link.connected());
      news.add(link.connected());
      return ReconnectingLoop.End.quietly("one poll");
    });
    connection.then(link -> {
      news.add(link.connected());
      return ReconnectingLoop.End.degraded("getUpdates failing");
    });
    connection.then(link -> {
      news.add(link.connected());
      return ReconnectingLoop.End.fatal("done");
    });

    loop(connection, clock).run();

    assertThat(news).containsExactly(true, false, false, true);
    assertThat(reports)
        .containsExactly("connected", "degraded: getUpdates failing", "connected", "failed: done");
  }

  @Test
  void anUnexpectedErrorInAConnectionDegradesThePlatformAndTheLoopGoesOn() {
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> {
      throw new IllegalStateException("https://api.example/bot123:secret/getUpdates");
    });
    connection.then(link -> ReconnectingLoop.End.fatal("done"));

    loop(connection, clock).run();

    assertThat(connection.attempts).isEqualTo(2);
    assertThat(reports)
        .containsExactly("degraded: unexpected error: IllegalStateException", "failed: done");
  }

  @Test
  void aFirstConnectionEndsTheWaitForIt() throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ScriptedConnection connection = new ScriptedConnection();
    connection.then(link -> {
      link.connected();
      up.countDown();
      return ReconnectingLoop.End.fatal("done");
    });
    ReconnectingLoop loop = loop(connection, clock);
    Thread thread = Thread.ofVirtual().start(loop::run);
    assertThat(up.await(10, TimeUnit.SECONDS)).isTrue();
    loop.awaitFirstConnection(Duration.ofSeconds(10)); // returns: no exception, no timeout
    assertThat(thread.join(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aStopBeforeTheLoopRunsMeansNoAttempt() {
    ScriptedConnection connection = new ScriptedConnection();
    ReconnectingLoop loop = loop(connection, clock);
    loop.stop();
    loop.run();
    assertThat(connection.attempts).isZero();
    assertThat(reports).isEmpty();
  }

  @Test
  void keepConnectedReportsConnectingSpawnsTheLoopAndWatchesItsHeartbeat() throws Exception {
    RecordingContext context = new RecordingContext();
    ScriptedConnection connection = new ScriptedConnection();
    CountDownLatch ran = new CountDownLatch(1);
    connection.then(link -> {
      ran.countDown();
      return ReconnectingLoop.End.fatal("done");
    });

    ReconnectingLoop loop = context.keepConnected(
        "gateway", Duration.ofMinutes(3), backoff, connection, "connecting to the gateway");

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(context.spawned).containsExactly("gateway");
    assertThat(context.heartbeats).extracting(Heartbeat::name).containsExactly("gateway");
    assertThat(context.heartbeats.getFirst().maxSilence()).isEqualTo(Duration.ofMinutes(3));
    assertThatThrownBy(() -> loop.awaitFirstConnection(Duration.ofSeconds(10)))
        .isInstanceOf(PlatformException.class)
        .hasMessage("done");
    assertThat(context.reports)
        .containsExactly("connecting: connecting to the gateway", "failed: done");
  }

  private List<Duration> gaps() {
    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < attemptsAt.size(); i++) {
      gaps.add(Duration.ofNanos(attemptsAt.get(i) - attemptsAt.get(i - 1)));
    }
    return gaps;
  }

  /** Plays its steps in order, one per attempt, noting when each attempt began. */
  private final class ScriptedConnection implements ReconnectingLoop.Connection {
    private final Deque<Function<ReconnectingLoop.Link, ReconnectingLoop.End>> steps =
        new ArrayDeque<>();
    volatile int attempts;
    volatile boolean closed;

    void then(Function<ReconnectingLoop.Link, ReconnectingLoop.End> step) {
      steps.add(step);
    }

    @Override
    public ReconnectingLoop.End run(ReconnectingLoop.Link link) {
      attempts++;
      attemptsAt.add(clock.nanos());
      Function<ReconnectingLoop.Link, ReconnectingLoop.End> step = steps.poll();
      if (step == null) {
        throw new AssertionError("no step left for attempt " + attempts);
      }
      return step.apply(link);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** What the gateway would give an adapter, noting what the loop asks of it. */
  private final class RecordingContext implements PlatformContext {
    final List<String> spawned = new CopyOnWriteArrayList<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final List<String> reports = new CopyOnWriteArrayList<>();

    @Override
    public void spawn(String name, Runnable loop) {
      spawned.add(name);
      Thread.ofVirtual().name(name).start(loop);
    }

    @Override
    public Heartbeat heartbeat(String loopName, Duration maxSilence) {
      Heartbeat h = new Heartbeat(loopName, maxSilence, clock);
      heartbeats.add(h);
      return h;
    }

    @Override
    public void reportState(PlatformState state, String error) {
      reports.add(state.label() + (error == null ? "" : ": " + error));
    }

    @Override
    public void claimCredential(String credential) {}

    @Override
    public List<CommandInfo> commands() {
      return List.of();
    }

    @Override
    public Optional<String> loadCursor(String name) {
      return Optional.empty();
    }

    @Override
    public void saveCursor(String name, String value) {}
  }
}
