package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The start notice's first words come from how the last process's record ends. */
class PreviousEndTest {
  private static final GatewayState RUNNING =
      GatewayState.starting(4242, "1.2.3", "/srv/sb", Instant.EPOCH).withState("running");

  @Test
  void eachEndIsToldApart() {
    assertThat(PreviousEnd.of(Optional.empty())).isEqualTo(PreviousEnd.NONE);
    assertThat(PreviousEnd.of(Optional.of(
                RUNNING.withState("stopped").withExit(ExitCodes.STOPPED, "SIGTERM", false)))
            .kind())
        .isEqualTo(PreviousEnd.Kind.STOPPED);
    assertThat(PreviousEnd.of(Optional.of(RUNNING
                .withState("stopped")
                .withExit(ExitCodes.RESTART, "/restart from telegram:42", true)))
            .kind())
        .isEqualTo(PreviousEnd.Kind.RESTARTED);
    PreviousEnd killed = PreviousEnd.of(Optional.of(RUNNING));
    assertThat(killed.kind()).isEqualTo(PreviousEnd.Kind.UNPLANNED);
    assertThat(killed.detail()).contains("pid 4242 died while running");
    PreviousEnd crashed = PreviousEnd.of(Optional.of(
        RUNNING.withState("stopped").withExit(ExitCodes.CRASHED, "dispatch-loop ended", false)));
    assertThat(crashed.kind()).isEqualTo(PreviousEnd.Kind.UNPLANNED);
    assertThat(crashed.detail()).contains("exited with " + ExitCodes.CRASHED);
  }
}
