package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relaunched gateway outwaits its predecessor's whole stop, however long it may take. */
class RelaunchLockWaitTest {
  @TempDir
  Path home;

  private void predecessorWithStopBudget(Duration budget) {
    Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    StateFile f = new StateFile(
        home, GatewayState.starting(4242, "test", home.toString(), clock.instant()), clock);
    f.update(s -> s.withHardDeadline(budget));
  }

  @Test
  void noRecordMeansTheDefaultWait() {
    assertThat(Gateway.relaunchLockWait(home)).isEqualTo(Gateway.RELAUNCH_LOCK_WAIT);
  }

  @Test
  void aShortStopBudgetKeepsTheDefaultWait() {
    predecessorWithStopBudget(Duration.ofSeconds(70));
    assertThat(Gateway.relaunchLockWait(home)).isEqualTo(Gateway.RELAUNCH_LOCK_WAIT);
  }

  @Test
  void aLongShutdownGraceIsOutwaited() {
    predecessorWithStopBudget(Duration.ofMinutes(11));
    assertThat(Gateway.relaunchLockWait(home)).isEqualTo(Duration.ofSeconds(11 * 60 + 30));
  }
}
