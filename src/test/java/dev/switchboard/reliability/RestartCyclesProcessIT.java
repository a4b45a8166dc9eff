package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart cycles of reliability/ in short, as CI runs it: the built gateway installed into
 * a real systemd user manager and restarted six times, each way twice (switchboard restart,
 * systemctl kill -s USR1, /restart from a chat). Every restart keeps its promises; the time to
 * ready is reported, not asserted (CI's machine is shared; the full program measures it).
 */
class RestartCyclesProcessIT {
  @TempDir
  Path dir;

  @Test
  void sixRestartsUnderSystemdEachGiveANewReadyProcessAndNeverAFailure() throws Exception {
    String jar = System.getProperty("switchboard.jar");
    assertThat(jar).as("run through Maven's verify phase").isNotNull();
    RestartCyclesSettings settings =
        RestartCyclesSettings.defaults(Path.of(jar), dir).withCycles(6);

    RestartCyclesReport report = RestartCycles.run(settings, line -> {});

    String text = report.text();
    System.out.println(text);
    assertThat(report.abortedBecause()).as(text).isNull();
    assertThat(report.cycles()).as(text).hasSize(6);
    assertThat(report.cycles().stream().map(RestartCycle::kind).distinct())
        .as(text)
        .containsExactlyInAnyOrder(RestartCycleKind.values());
    assertThat(report.brokenCycles()).as(text).isEmpty();
    assertThat(report.endProblems()).as(text).isEmpty();
    assertThat(report.cycles())
        .as("systemd's clock and ours agree: ready comes after the ask, the new process between")
        .allSatisfy(c -> {
          assertThat(c.askToNewProcess()).isPositive();
          assertThat(c.newProcessToReady()).isPositive();
          assertThat(c.newPid()).isNotEqualTo(c.oldPid());
        });
  }
}
