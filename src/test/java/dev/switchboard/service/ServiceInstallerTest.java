package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What install and uninstall ask of systemctl, in order, with a recording stand-in. */
class ServiceInstallerTest {
  @TempDir
  Path dir;

  private final List<String> calls = new ArrayList<>();
  private int failOn = -1;

  private ServiceInstaller installer(Map<String, String> env) {
    return new ServiceInstaller(
        command -> {
          calls.add(String.join(" ", command));
          return calls.size() - 1 == failOn
              ? new SystemctlRunner.Result(1, "Job for switchboard.service failed.")
              : new SystemctlRunner.Result(0, "");
        },
        env,
        dir.resolve("home"),
        dir.resolve("etc"));
  }

  @Test
  void aUserUnitGoesToXdgConfigAndIsStartedAfterAReload() throws Exception {
    ServiceInstaller i = installer(Map.of("XDG_CONFIG_HOME", dir.resolve("cfg").toString()));
    List<String> said = i.install("[Unit]\n", ServiceInstaller.Scope.USER, true);
    Path unit = dir.resolve("cfg/systemd/user/switchboard.service");
    assertThat(unit).hasContent("[Unit]");
    assertThat(calls)
        .containsExactly(
            "systemctl --user daemon-reload",
            "systemctl --user enable switchboard.service",
            "systemctl --user start switchboard.service");
    assertThat(said.getFirst()).isEqualTo("wrote " + unit);
    calls.clear();
    i.install("[Unit]\n# v2\n", ServiceInstaller.Scope.USER, true);
    assertThat(calls).contains("systemctl --user restart switchboard.service");
  }

  @Test
  void withoutXdgConfigHomeItIsDotConfigAndASystemUnitIsInEtc() {
    ServiceInstaller i = installer(Map.of());
    assertThat(i.unitPath(ServiceInstaller.Scope.USER))
        .isEqualTo(dir.resolve("home/.config/systemd/user/switchboard.service"));
    assertThat(i.unitPath(ServiceInstaller.Scope.SYSTEM))
        .isEqualTo(dir.resolve("etc/switchboard.service"));
  }

  @Test
  void aFailedStepSaysWhichAndWhatSystemctlSaid() {
    failOn = 2;
    assertThatThrownBy(() -> installer(Map.of()).install("x", ServiceInstaller.Scope.SYSTEM, true))
        .hasMessageContaining("systemctl start switchboard.service failed (exit 1)")
        .hasMessageContaining("Job for switchboard.service failed.");
  }

  @Test
  void uninstallStopsDisablesAndRemoves() throws Exception {
    ServiceInstaller i = installer(Map.of());
    assertThat(i.uninstall(ServiceInstaller.Scope.USER).getFirst()).contains("nothing to remove");
    assertThat(calls).isEmpty();
    i.install("x", ServiceInstaller.Scope.USER, false);
    calls.clear();
    i.uninstall(ServiceInstaller.Scope.USER);
    assertThat(calls)
        .containsExactly(
            "systemctl --user disable --now switchboard.service", "systemctl --user daemon-reload");
    assertThat(i.unitPath(ServiceInstaller.Scope.USER)).doesNotExist();
    assertThat(Files.exists(dir.resolve("home"))).isTrue();
  }
}
