package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Sleeper;
import dev.switchboard.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RespawnBreakerTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final RespawnBreaker.Settings SETTINGS =
      new RespawnBreaker.Settings(3, Duration.ofMinutes(10), Duration.ofSeconds(10));

  @TempDir
  Path home;

  private static GatewayState ended(String state, Integer code, String reason) {
    return new GatewayState(
        7, state, "v", "h", T0, T0, code, reason, false, 0, null, Map.of(), null, null, null);
  }

  private static final GatewayState KILLED = ended(GatewayState.RUNNING, null, null);
  private static final GatewayState CRASHED = ended(GatewayState.STOPPED, 1, "loop died");
  private static final GatewayState FAILED_START =
      ended(GatewayState.STARTUP_FAILED, 78, "configuration error: x");
  private static final GatewayState STOPPED = ended(GatewayState.STOPPED, 0, "SIGTERM");
  private static final GatewayState RESTARTED = ended(GatewayState.STOPPED, 75, "/restart");

  private Optional<GatewayState.CrashLoop> startAfter(GatewayState last, Instant at) {
    return RespawnBreaker.onStart(home, Optional.of(last), SETTINGS, at);
  }

  @Test
  void whatCountsAsAnUnplannedEnd() {
    assertThat(RespawnBreaker.unplannedEnd(KILLED))
        .hasValueSatisfying(s -> assertThat(s).contains("pid 7 died while running"));
    assertThat(RespawnBreaker.unplannedEnd(ended(GatewayState.DRAINING, 0, "SIGTERM")))
        .isPresent();
    assertThat(RespawnBreaker.unplannedEnd(CRASHED)).contains("pid 7 exited with 1: loop died");
    assertThat(RespawnBreaker.unplannedEnd(FAILED_START))
        .contains("pid 7 failed to start:" + " configuration error: x");
    assertThat(RespawnBreaker.unplannedEnd(STOPPED)).isEmpty();
    assertThat(RespawnBreaker.unplannedEnd(RESTARTED)).isEmpty();
  }

  @Test
  void pastTheLimitEachStartWaitsTwiceAsLongUpToFiveMinutes() {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(startAfter(CRASHED, T0.plusSeconds(i))
          .map(GatewayState.CrashLoop::delaySeconds)
          .orElse(0L));
    }
    assertThat(delays).containsExactly(0L, 0L, 0L, 10L, 20L, 40L, 80L, 160L, 300L, 300L);
    GatewayState.CrashLoop last = startAfter(KILLED, T0.plusSeconds(10)).orElseThrow();
    assertThat(last.unplannedStarts()).isEqualTo(11);
    assertThat(last.windowSeconds()).isEqualTo(600);
    assertThat(last.connectAt()).isEqualTo(T0.plusSeconds(10 + 300));
    assertThat(last.lastEnd()).contains("died while running");
  }

  @Test
  void startsOlderThanTheWindowNoLongerCount() {
    for (int i = 0; i < 4; i++) {
      startAfter(CRASHED, T0.plusSeconds(i));
    }
    // ten minutes after the first three, only the fourth and this one are in the window
    assertThat(startAfter(CRASHED, T0.plus(Duration.ofMinutes(10)).plusSeconds(2)))
        .isEmpty();
  }

  @Test
  void aPlannedEndClearsTheHistory() {
    for (int i = 0; i < 5; i++) {
      startAfter(FAILED_START, T0.plusSeconds(i));
    }
    assertThat(startAfter(STOPPED, T0.plusSeconds(6))).isEmpty();
    assertThat(startAfter(CRASHED, T0.plusSeconds(7))).isEmpty();
    assertThat(startAfter(RESTARTED, T0.plusSeconds(8))).isEmpty();
    assertThat(RespawnBreaker.onStart(home, Optional.empty(), SETTINGS, T0.plusSeconds(9)))
        .isEmpty();
  }

  @Test
  void aZeroDelayTurnsTheBreakerOff() {
    RespawnBreaker.Settings off =
        new RespawnBreaker.Settings(1, Duration.ofMinutes(10), Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      assertThat(RespawnBreaker.onStart(home, Optional.of(CRASHED), off, T0.plusSeconds(i)))
          .isEmpty();
    }
  }

  @Test
  void anUnreadableHistoryIsStartedAfresh() throws Exception {
    Files.writeString(home.resolve(RespawnBreaker.NAME), "{not json");
    for (int i = 0; i < 3; i++) {
      assertThat(startAfter(CRASHED, T0.plusSeconds(i))).isEmpty();
    }
    assertThat(startAfter(CRASHED, T0.plusSeconds(3))).isPresent();
  }

  @Test
  void theHoldBackIsRecordedAnnouncedPingedAndSleptInFull() throws Exception {
    ManualClock clock = new ManualClock(T0);
    StateFile state =
        new StateFile(home, GatewayState.starting(7, "v", home.toString(), T0), clock);
    RuntimeHarness.RecordingNotifier notifier = new RuntimeHarness.RecordingNotifier();
    notifier.watchdog = Optional.of(Duration.ofSeconds(30));
    GatewayState.CrashLoop loop =
        new GatewayState.CrashLoop(6, 600, 40, T0.plusSeconds(40), "pid 6 exited with 1: x");
    CrashLoopHoldBack.hold(loop, state, notifier, clock);
    assertThat(StateFile.read(home).orElseThrow().crashLoop()).isEqualTo(loop);
    assertThat(clock.sleeps())
        .containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(10));
    assertThat(notifier.messages)
        .containsExactly("EXTEND_TIMEOUT_USEC=130000000", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1");
  }

  @Test
  void aStopCutsTheHoldBackShort() {
    StateFile state = new StateFile(
        home, GatewayState.starting(7, "v", home.toString(), T0), Clock.fixed(T0, ZoneOffset.UTC));
    Sleeper interrupted = d -> {
      throw new InterruptedException("stop requested");
    };
    assertThatThrownBy(() -> CrashLoopHoldBack.hold(
            new GatewayState.CrashLoop(6, 600, 40, T0.plusSeconds(40), "x"),
            state,
            new RuntimeHarness.RecordingNotifier(),
            interrupted))
        .isInstanceOf(InterruptedException.class);
  }
}
