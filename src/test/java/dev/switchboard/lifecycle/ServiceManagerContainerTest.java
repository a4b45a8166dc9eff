package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.CoreKeys.ServiceManagerSetting;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** In a container the container is the unit: a detached copy would die with it. */
class ServiceManagerContainerTest {
  private static ServiceManager detect(Optional<String> parent, long pid) {
    return ServiceManager.detect(ServiceManagerSetting.AUTO, Map.of(), parent, pid);
  }

  @Test
  void pidOneIsAContainersMainProcess() {
    assertThat(detect(Optional.empty(), 1)).isEqualTo(ServiceManager.CONTAINER);
  }

  @Test
  void containerInitsAsParentMeanAContainer() {
    for (String init :
        new String[] {"/sbin/tini", "/usr/bin/dumb-init", "/sbin/docker-init", "catatonit"}) {
      assertThat(detect(Optional.of(init), 4242)).as(init).isEqualTo(ServiceManager.CONTAINER);
    }
  }

  @Test
  void anOrdinaryShellParentIsNone() {
    assertThat(detect(Optional.of("/bin/bash"), 4242)).isEqualTo(ServiceManager.NONE);
  }

  @Test
  void systemdInsideAContainerStillWins() {
    assertThat(ServiceManager.detect(
            ServiceManagerSetting.AUTO, Map.of("INVOCATION_ID", "x"), Optional.of("tini"), 1))
        .isEqualTo(ServiceManager.SYSTEMD);
  }

  @Test
  void theSettingCanNameItExplicitly() {
    assertThat(ServiceManager.detect(
            ServiceManagerSetting.CONTAINER, Map.of(), Optional.empty(), 4242))
        .isEqualTo(ServiceManager.CONTAINER);
  }
}
