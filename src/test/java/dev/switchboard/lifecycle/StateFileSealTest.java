package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The final record of a stopped gateway cannot be overwritten by one of its stragglers. */
class StateFileSealTest {
  @TempDir
  Path home;

  @Test
  void updatesAfterTheSealAreIgnored() {
    StateFile file = new StateFile(
        home, GatewayState.starting(7, "v", home.toString(), Instant.EPOCH), Clock.systemUTC());
    file.update(s -> s.withState(GatewayState.RUNNING));
    file.seal(s -> s.withState(GatewayState.STOPPED).withExit(0, "SIGTERM", false));
    file.update(s -> s.withState(GatewayState.RUNNING).withActiveTurns(3));
    GatewayState onDisk = StateFile.read(home).orElseThrow();
    assertThat(onDisk.state()).isEqualTo("stopped");
    assertThat(onDisk.activeTurns()).isZero();
    assertThat(file.current().state()).isEqualTo("stopped");
  }
}
