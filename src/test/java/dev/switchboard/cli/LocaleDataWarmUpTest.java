package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocaleDataWarmUpTest {
  @Test
  void aGatewayRunGetsTheReadingOnADaemonThreadThatEnds() throws InterruptedException {
    Thread reader =
        LocaleDataWarmUp.startIfRunning(new String[] {"run", "--home", "/x"}).orElseThrow();
    assertThat(reader.isDaemon()).isTrue();
    assertThat(reader.getName()).isEqualTo("locale-data");
    assertThat(reader.join(Duration.ofSeconds(30))).isTrue();
  }

  @Test
  void otherCommandsDoNotStartIt() {
    assertThat(LocaleDataWarmUp.startIfRunning(new String[] {"status"})).isEmpty();
    assertThat(LocaleDataWarmUp.startIfRunning(new String[] {})).isEmpty();
    assertThat(LocaleDataWarmUp.startIfRunning(new String[] {"--help", "run"})).isEmpty();
  }
}
