package dev.switchboard.service;

import dev.switchboard.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes, enables and starts (or stops, disables and removes) the systemd unit: in the user's
 * own service manager by default ({@code ~/.config/systemd/user}), or as a system unit
 * ({@code /etc/systemd/system}). Each step's failure is reported with what systemctl said.
 */
public final class ServiceInstaller {
  public static final String UNIT_NAME = "switchboard.service";
  /** The template of {@code install --instance}: one unit for several gateways on a host. */
  public static final String TEMPLATE_NAME = "switchboard@.service";

  /** Which service manager the unit belongs to. */
  public enum Scope {
    USER,
    SYSTEM
  }

  private final SystemctlRunner systemctl;
  private final Map<String, String> env;
  private final Path userHome;
  private final Path systemUnitDir;

  public ServiceInstaller(SystemctlRunner systemctl, Map<String, String> env, Path userHome) {
    this(systemctl, env, userHome, Path.of("/etc/systemd/system"));
  }

  ServiceInstaller(
      SystemctlRunner systemctl, Map<String, String> env, Path userHome, Path systemUnitDir) {
    this.systemctl = systemctl;
    this.env = Map.copyOf(env);
    this.userHome = userHome;
    this.systemUnitDir = systemUnitDir;
  }

  /** Where the unit file goes: systemd's own search path for the scope. */
  public Path unitPath(Scope scope) {
    return unitDir(scope).resolve(UNIT_NAME);
  }

  /** Where the template unit goes. */
  public Path templatePath(Scope scope) {
    return unitDir(scope).resolve(TEMPLATE_NAME);
  }

  private Path unitDir(Scope scope) {
    if (scope == Scope.SYSTEM) {
      return systemUnitDir;
    }
    String config = env.get("XDG_CONFIG_HOME");
    Path base = config != null && !config.isBlank() ? Path.of(config) : userHome.resolve(".config");
    return base.resolve("systemd").resolve("user");
  }

  /** {@code switchboard@<name>.service}. */
  public static String instanceUnit(String name) {
    return "switchboard@" + name + ".service";
  }

  /** A failed step, with what systemctl said. */
  public static final class InstallException extends Exception {
    public InstallException(String message) {
      super(message);
    }
  }

  /**
   * Writes the unit, reloads the manager and enables the unit; with {@code start} it is also
   * started, and systemctl returns once the gateway reported READY (Type=notify).
   * Returns the lines to show the user.
   */
  public List<String> install(String unitText, Scope scope, boolean start)
      throws IOException, InterruptedException, InstallException {
    return install(unitPath(scope), unitText, scope, UNIT_NAME, start);
  }

  /**
   * The same for an instance of the template unit: writes the template (the same for every
   * instance, so writing it again changes nothing for the others) and enables and (re)starts
   * {@code switchboard@name}; systemctl returns once that gateway reported READY, standing by
   * included.
   */
  public List<String> installInstance(String templateText, Scope scope, String name, boolean start)
      throws IOException, InterruptedException, InstallException {
    return install(templatePath(scope), templateText, scope, instanceUnit(name), start);
  }

  private List<String> install(Path path, String text, Scope scope, String unit, boolean start)
      throws IOException, InterruptedException, InstallException {
    List<String> done = new ArrayList<>();
    boolean replaced = Files.exists(path);
    Files.createDirectories(path.getParent());
    AtomicFiles.write(path, text.getBytes(StandardCharsets.UTF_8));
    done.add((replaced ? "updated " : "wrote ") + path);
    step(scope, "daemon-reload");
    step(scope, "enable", unit);
    if (start) {
      // "restart", not "start": an updated unit must take effect on a running gateway too
      step(scope, replaced ? "restart" : "start", unit);
      done.add("enabled and started " + unit + " (it reported ready)");
    } else {
      done.add("enabled " + unit + "; start it with: "
          + String.join(" ", systemctl(scope, "start", unit)));
    }
    return done;
  }

  /**
   * Stops and disables the instance {@code name}; the template goes too when no other instance
   * is enabled.
   */
  public List<String> uninstallInstance(Scope scope, String name)
      throws IOException, InterruptedException, InstallException {
    Path path = templatePath(scope);
    if (!Files.exists(path)) {
      return List.of("no template unit at " + path + "; nothing to remove");
    }
    String unit = instanceUnit(name);
    step(scope, "disable", "--now", unit);
    List<String> done = new ArrayList<>(List.of("stopped and disabled " + unit));
    Path wants = unitDir(scope)
        .resolve(scope == Scope.SYSTEM ? "multi-user.target.wants" : "default.target.wants");
    List<String> others;
    try (var linked = Files.exists(wants) ? Files.list(wants) : Stream.<Path>empty()) {
      others = linked
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("switchboard@") && n.endsWith(".service"))
          .toList();
    }
    if (others.isEmpty()) {
      Files.delete(path);
      step(scope, "daemon-reload");
      done.add("removed " + path + " (no other instance is enabled)");
    } else {
      done.add("kept " + path + " for " + String.join(", ", others));
    }
    return done;
  }

  /** Stops and disables the unit and removes its file; nothing to do is not an error. */
  public List<String> uninstall(Scope scope)
      throws IOException, InterruptedException, InstallException {
    Path path = unitPath(scope);
    if (!Files.exists(path)) {
      return List.of("no unit at " + path + "; nothing to remove");
    }
    step(scope, "disable", "--now", UNIT_NAME);
    Files.delete(path);
    step(scope, "daemon-reload");
    return List.of("stopped and disabled " + UNIT_NAME, "removed " + path);
  }

  private void step(Scope scope, String... args)
      throws IOException, InterruptedException, InstallException {
    List<String> command = systemctl(scope, args);
    SystemctlRunner.Result r = systemctl.run(command);
    if (r.exitCode() != 0) {
      throw new InstallException(String.join(" ", command) + " failed (exit " + r.exitCode() + ")"
          + (r.output().isEmpty() ? "" : ":\n" + r.output()));
    }
  }

  static List<String> systemctl(Scope scope, String... args) {
    List<String> command = new ArrayList<>(List.of("systemctl"));
    if (scope == Scope.USER) {
      command.add("--user");
    }
    command.addAll(List.of(args));
    return command;
  }
}
