package dev.switchboard.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The unit {@code switchboard install} wrote, if there is one, and systemd's view of it: what
 * {@code switchboard status} shows next to the gateway's own view, and what tells
 * {@code switchboard stop} to go through systemctl.
 *
 * @param properties systemctl show's answer; empty with {@code error} set when systemd could
 *     not be asked
 */
public record InstalledUnit(
    ServiceInstaller.Scope scope,
    Path file,
    Map<String, String> properties,
    @Nullable String error) {
  static final List<String> PROPERTIES = List.of(
      "LoadState", "ActiveState", "SubState", "MainPID", "NRestarts", "Result", "ExecMainStatus");

  /**
   * The user unit serving {@code home} if there is one, else such a system unit, else empty:
   * a unit installed for another state directory is not this gateway's service.
   */
  public static Optional<InstalledUnit> find(
      ServiceInstaller installer, SystemctlRunner systemctl, Path home)
      throws InterruptedException {
    for (ServiceInstaller.Scope scope : ServiceInstaller.Scope.values()) {
      Path file = installer.unitPath(scope);
      if (serves(file, home)) {
        return Optional.of(ask(scope, file, systemctl));
      }
    }
    return Optional.empty();
  }

  private static boolean serves(Path file, Path home) {
    try {
      return Files.isRegularFile(file)
          && SystemdUnit.homeOf(Files.readString(file))
              .map(h ->
                  h.toAbsolutePath().normalize().equals(home.toAbsolutePath().normalize()))
              .orElse(false);
    } catch (IOException e) {
      return false; // unreadable (a system unit we may not read): not provably ours
    }
  }

  private static InstalledUnit ask(
      ServiceInstaller.Scope scope, Path file, SystemctlRunner systemctl)
      throws InterruptedException {
    List<String> command = ServiceInstaller.systemctl(
        scope, "show", ServiceInstaller.UNIT_NAME, "--property=" + String.join(",", PROPERTIES));
    try {
      SystemctlRunner.Result r = systemctl.run(command);
      if (r.exitCode() != 0) {
        return new InstalledUnit(
            scope, file, Map.of(), String.join(" ", command) + " failed: " + r.output());
      }
      Map<String, String> props = new HashMap<>();
      r.output()
          .lines()
          .filter(l -> l.indexOf('=') > 0)
          .forEach(l -> props.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
      return new InstalledUnit(scope, file, Map.copyOf(props), null);
    } catch (IOException e) {
      return new InstalledUnit(scope, file, Map.of(), "cannot run systemctl: " + e.getMessage());
    }
  }

  public boolean active() {
    String state = properties.getOrDefault("ActiveState", "");
    return state.equals("active") || state.equals("activating") || state.equals("reloading");
  }

  public String property(String name) {
    return properties.getOrDefault(name, "?");
  }

  /** One line: "active (running), main pid 123, restarts 2, last result success". */
  public String summary() {
    if (error != null) {
      return "unknown (" + error + ")";
    }
    return property("ActiveState") + " (" + property("SubState") + "), main pid "
        + property("MainPID") + ", restarts " + property("NRestarts") + ", last result "
        + property("Result")
        + (property("ExecMainStatus").equals("0")
            ? ""
            : ", last exit status " + property("ExecMainStatus"));
  }

  /** The systemctl command for {@code verb} on this unit, for the user to read or to run. */
  public List<String> systemctl(String verb) {
    return ServiceInstaller.systemctl(scope, verb, ServiceInstaller.UNIT_NAME);
  }
}
