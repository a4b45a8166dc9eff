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
  void instancesShareTheTemplateWhichGoesWithTheLastOfThem() throws Exception {
    ServiceInstaller i = installer(Map.of());
    Path template = dir.resolve("etc/switchboard@.service");
    i.installInstance("[Unit]\n", ServiceInstaller.Scope.SYSTEM, "bot-a", true);
    i.installInstance("[Unit]\n", ServiceInstaller.Scope.SYSTEM, "bot-b", true);
    assertThat(template).hasContent("[Unit]");
    assertThat(calls)
        .containsExactly(
            "systemctl daemon-reload",
            "systemctl enable switchboard@bot-a.service",
            "systemctl start switchboard@bot-a.service",
            "systemctl daemon-reload",
            "systemctl enable switchboard@bot-b.service",
            "systemctl restart switchboard@bot-b.service");
    // what systemctl enable leaves: a link per enabled instance
    Path wants = Files.createDirectories(dir.resolve("etc/multi-user.target.wants"));
    Files.createSymbolicLink(wants.resolve("switchboard@bot-b.service"), template);
    calls.clear();

    assertThat(i.uninstallInstance(ServiceInstaller.Scope.SYSTEM, "bot-a"))
        .contains("kept " + template + " for switchboard@bot-b.service");
    assertThat(template).exists();
    Files.delete(wants.resolve("switchboard@bot-b.service"));
    assertThat(i.uninstallInstance(ServiceInstaller.Scope.SYSTEM, "bot-b"))
        .contains("removed " + template + " (no other instance is enabled)");
    assertThat(template).doesNotExist();
    assertThat(calls)
        .containsExactly(
            "systemctl disable --now switchboard@bot-a.service",
            "systemctl disable --now switchboard@bot-b.service",
            "systemctl daemon-reload");
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
