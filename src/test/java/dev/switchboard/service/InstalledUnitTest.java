package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstalledUnitTest {
  @TempDir
  Path dir;

  private final List<String> calls = new ArrayList<>();

  private Path gatewayHome() {
    return dir.resolve("state dir");
  }

  private void writeUnit(ServiceInstaller.Scope scope, Path servedHome) throws Exception {
    Path file = installer().unitPath(scope);
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        new SystemdUnit(
                List.of(
                    "/usr/bin/java", "-jar", "/opt/s.jar", "run", "--home", servedHome.toString()),
                servedHome,
                null,
                java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(70),
                List.of())
            .render("test"));
  }

  private ServiceInstaller installer() {
    return new ServiceInstaller(
        c -> new SystemctlRunner.Result(0, ""), Map.of(), dir.resolve("home"), dir.resolve("etc"));
  }

  private SystemctlRunner answering(int code, String output) {
    return command -> {
      calls.add(String.join(" ", command));
      return new SystemctlRunner.Result(code, output);
    };
  }

  @Test
  void nothingInstalledMeansNoUnitAndNoSystemctl() throws Exception {
    assertThat(InstalledUnit.find(installer(), answering(0, ""), gatewayHome())).isEmpty();
    assertThat(calls).isEmpty();
  }

  @Test
  void aUnitServingAnotherStateDirectoryIsNotOurs() throws Exception {
    writeUnit(ServiceInstaller.Scope.USER, dir.resolve("other"));
    assertThat(InstalledUnit.find(installer(), answering(0, ""), gatewayHome())).isEmpty();
    assertThat(calls).isEmpty();
  }

  @Test
  void systemdsViewIsReadFromSystemctlShow() throws Exception {
    writeUnit(ServiceInstaller.Scope.SYSTEM, gatewayHome());
    InstalledUnit unit =
        InstalledUnit.find(installer(), answering(0, """
        LoadState=loaded
        ActiveState=active
        SubState=running
        MainPID=4242
        NRestarts=3
        Result=success
        ExecMainStatus=75"""), gatewayHome()).orElseThrow();
    assertThat(calls)
        .containsExactly("systemctl show switchboard.service"
            + " --property=LoadState,ActiveState,SubState,MainPID,NRestarts,Result,ExecMainStatus");
    assertThat(unit.scope()).isEqualTo(ServiceInstaller.Scope.SYSTEM);
    assertThat(unit.active()).isTrue();
    assertThat(unit.summary())
        .isEqualTo("active (running), main pid 4242, restarts 3, last"
            + " result success, last exit status 75");
    assertThat(unit.systemctl("stop")).containsExactly("systemctl", "stop", "switchboard.service");
  }

  @Test
  void aManagerThatCannotBeAskedIsSaidSo() throws Exception {
    writeUnit(ServiceInstaller.Scope.USER, gatewayHome());
    InstalledUnit unit = InstalledUnit.find(
            installer(), answering(1, "Failed to connect to bus"), gatewayHome())
        .orElseThrow();
    assertThat(unit.active()).isFalse();
    assertThat(unit.summary())
        .startsWith("unknown (systemctl --user show")
        .contains("Failed to connect to bus");
  }
}
