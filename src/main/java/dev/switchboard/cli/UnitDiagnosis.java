package dev.switchboard.cli;

import dev.switchboard.common.Finding;
import dev.switchboard.common.Version;
import dev.switchboard.config.Config;
import dev.switchboard.service.InstalledUnit;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.service.SystemdUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code switchboard doctor}'s look at the installed systemd unit: does it still say what
 * {@code install} would write now (the drain timeout, the watchdog, the Java and jar), and what
 * does systemd think of it.
 */
final class UnitDiagnosis {
  private static final String SUBJECT = "service";
  private static final int SHOWN_LINES = 6;

  private UnitDiagnosis() {}

  static List<Finding> check(SwitchboardCommand root, Path home, Config config)
      throws IOException, InterruptedException {
    var found = root.installedUnit(home);
    if (found.isEmpty()) {
      return List.of(Finding.ok(
          SUBJECT,
          "not installed as a systemd service for this home"
              + " ('switchboard install' sets one up)"));
    }
    InstalledUnit unit = found.get();
    boolean system = unit.scope() == ServiceInstaller.Scope.SYSTEM;
    String installed = Files.readString(unit.file());
    String expected = InstallSubcommand.unitFor(root, home, config, SystemdUnit.userOf(installed))
        .render(Version.current());
    List<Finding> out = new ArrayList<>();
    List<String> drift = SystemdUnit.drift(installed, expected);
    if (drift.isEmpty()) {
      out.add(Finding.ok(SUBJECT, unit.file() + " is what 'switchboard install' writes now"));
    } else {
      List<String> shown = drift.subList(0, Math.min(SHOWN_LINES, drift.size()));
      out.add(Finding.warn(
          SUBJECT,
          unit.file() + " differs from what 'switchboard install'"
              + " would write now (the configuration or the program changed since):\n"
              + String.join("\n", shown)
              + (drift.size() > shown.size()
                  ? "\n... " + (drift.size() - shown.size()) + " more"
                  : ""),
          "switchboard install" + (system ? " --system" : "") + " --home " + home));
    }
    String status = String.join(" ", unit.systemctl("status"));
    if (unit.error() != null) {
      out.add(
          Finding.warn(SUBJECT, "systemd could not be asked: " + unit.error(), "run " + status));
    } else if ("failed".equals(unit.properties().get("ActiveState"))) {
      out.add(Finding.fail(
          SUBJECT,
          "systemd says " + unit.summary(),
          "see " + status + " and the gateway's log; then "
              + String.join(" ", unit.systemctl("restart"))));
    } else {
      out.add(Finding.ok(
          SUBJECT,
          "systemd (" + unit.scope().name().toLowerCase(Locale.ROOT) + "): " + unit.summary()));
    }
    return out;
  }
}
