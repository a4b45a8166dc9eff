package dev.switchboard.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real systemd user manager ({@code systemd --user}) for process-level tests, as
 * MACHINE-NOTES.md describes: units are read from a temporary {@code XDG_CONFIG_HOME}, so the
 * tests never touch the real user's units. {@link #close} stops the manager and removes
 * {@code /run/systemd/system} if this created it (while it exists, Debian tools believe
 * systemd is PID 1).
 */
public final class SystemdUserManager implements AutoCloseable {
  private static final Path RUN_SYSTEMD = Path.of("/run/systemd/system");

  private final Process manager;
  private final Map<String, String> env;
  private final boolean createdRunSystemd;
  private final Path log;

  private SystemdUserManager(
      Process manager, Map<String, String> env, boolean createdRunSystemd, Path log) {
    this.manager = manager;
    this.env = env;
    this.createdRunSystemd = createdRunSystemd;
    this.log = log;
  }

  public static SystemdUserManager start(Path dir) throws Exception {
    Path systemd = Path.of("/lib/systemd/systemd");
    if (!Files.isExecutable(systemd)) {
      throw new IllegalStateException(systemd + " is missing: these tests need systemd"
          + " installed (Debian package systemd), though not running as PID 1");
    }
    String uid = run(List.of("id", "-u"), Map.of()).strip();
    Path runtime = Path.of("/run/user", uid);
    Files.createDirectories(runtime);
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = new HashMap<>();
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    Files.createDirectories(dir.resolve("config").resolve("systemd").resolve("user"));
    // A manager left by an interrupted run would own the socket: ask it to go first.
    if (answers(env)) {
      runQuietly(List.of("systemctl", "--user", "exit"), env);
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !answers(env));
    }
    boolean created = !Files.isDirectory(RUN_SYSTEMD);
    Files.createDirectories(RUN_SYSTEMD);
    Path log = dir.resolve("systemd-user.log");
    ProcessBuilder pb = new ProcessBuilder(systemd.toString(), "--user")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    SystemdUserManager m = new SystemdUserManager(p, Map.copyOf(env), created, log);
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!p.isAlive()) {
              throw new AssertionError("systemd --user exited: " + Files.readString(log));
            }
            return answers(env);
          });
    } catch (RuntimeException | AssertionError e) {
      m.close();
      throw e;
    }
    return m;
  }

  /** XDG_RUNTIME_DIR and XDG_CONFIG_HOME, for systemctl and for {@code switchboard install}. */
  public Map<String, String> env() {
    return env;
  }

  /** {@code systemctl --user args...}: its exit code and output. */
  public ChildGateway.Result systemctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("systemctl", "--user"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("systemctl " + String.join(" ", args) + " did not finish");
    }
    return new ChildGateway.Result(p.exitValue(), out);
  }

  /** Properties of a unit, as {@code systemctl show} reports them. */
  public Map<String, String> show(String unit, String... properties) throws Exception {
    ChildGateway.Result r = systemctl("show", unit, "--property=" + String.join(",", properties));
    Map<String, String> out = new HashMap<>();
    r.output()
        .lines()
        .filter(l -> l.contains("="))
        .forEach(l -> out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return out;
  }

  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private static boolean answers(Map<String, String> env) {
    String state = runQuietly(List.of("systemctl", "--user", "is-system-running"), env);
    return state.startsWith("running") || state.startsWith("degraded");
  }

  private static String run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static String runQuietly(List<String> cmd, Map<String, String> env) {
    try {
      return run(cmd, env);
    } catch (Exception e) {
      return "";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (manager.isAlive()) {
        runQuietly(List.of("systemctl", "--user", "exit"), env);
        if (!manager.waitFor(20, TimeUnit.SECONDS)) {
          manager.destroyForcibly();
          manager.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (createdRunSystemd) {
        Files.deleteIfExists(RUN_SYSTEMD);
      }
    }
  }
}
