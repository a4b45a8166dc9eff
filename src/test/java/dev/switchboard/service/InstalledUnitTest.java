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
  @TempDir Path dir;
  private final List<String> calls = new ArrayList<>();

  private ServiceInstaller installer() {
    return new ServiceInstaller(c -> new SystemctlRunner.Result(0, ""), Map.of(),
        dir.resolve("home"), dir.resolve("etc"));
  }

  private SystemctlRunner answering(int code, String output) {
    return command -> {
      calls.add(String.join(" ", command));
      return new SystemctlRunner.Result(code, output);
    };
  }

  @Test
  void nothingInstalledMeansNoUnitAndNoSystemctl() throws Exception {
    assertThat(InstalledUnit.find(installer(), answering(0, ""))).isEmpty();
    assertThat(calls).isEmpty();
  }

  @Test
  void systemdsViewIsReadFromSystemctlShow() throws Exception {
    Path file = installer().unitPath(ServiceInstaller.Scope.SYSTEM);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "[Unit]\n");
    InstalledUnit unit = InstalledUnit.find(installer(), answering(0, """
        LoadState=loaded
        ActiveState=active
        SubState=running
        MainPID=4242
        NRestarts=3
        Result=success
        ExecMainStatus=75""")).orElseThrow();
    assertThat(calls).containsExactly("systemctl show switchboard.service"
        + " --property=LoadState,ActiveState,SubState,MainPID,NRestarts,Result,ExecMainStatus");
    assertThat(unit.scope()).isEqualTo(ServiceInstaller.Scope.SYSTEM);
    assertThat(unit.active()).isTrue();
    assertThat(unit.summary()).isEqualTo("active (running), main pid 4242, restarts 3, last"
        + " result success, last exit status 75");
    assertThat(unit.systemctl("stop")).containsExactly("systemctl", "stop",
        "switchboard.service");
  }

  @Test
  void aManagerThatCannotBeAskedIsSaidSo() throws Exception {
    Path file = installer().unitPath(ServiceInstaller.Scope.USER);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "[Unit]\n");
    InstalledUnit unit = InstalledUnit.find(installer(),
        answering(1, "Failed to connect to bus")).orElseThrow();
    assertThat(unit.active()).isFalse();
    assertThat(unit.summary()).startsWith("unknown (systemctl --user show").contains(
        "Failed to connect to bus");
  }
}
