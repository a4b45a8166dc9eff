package dev.switchboard.testing;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * The built gateway (target/switchboard.jar) as a real child process, driven from outside with
 * signals and the CLI. The test classes are on its class path only for the loopback platform.
 */
public final class ChildGateway implements AutoCloseable {
  /** Variables that would make the child believe a service manager runs it. */
  private static final List<String> SUPERVISOR_VARIABLES = List.of(
      "INVOCATION_ID",
      "NOTIFY_SOCKET",
      "WATCHDOG_USEC",
      "WATCHDOG_PID",
      "KUBERNETES_SERVICE_HOST",
      "XPC_SERVICE_NAME",
      "SWITCHBOARD_HOME",
      "SWITCHBOARD_RELAUNCHED_FROM");

  private final Process process;
  private final long pid;
  private final Path output;
  private final Path home;

  private ChildGateway(Process process, long pid, Path output, Path home) {
    this.process = process;
    this.pid = pid;
    this.output = output;
    this.home = home;
  }

  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static String classPath() {
    String jar = System.getProperty("switchboard.jar");
    String testClasses = System.getProperty("switchboard.testClasses");
    if (jar == null || testClasses == null) {
      throw new IllegalStateException("run process-level tests through Maven's verify phase");
    }
    return jar + File.pathSeparator + testClasses;
  }

  /** The command that starts the CLI with {@code args}. */
  public static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        java(),
        "--enable-native-access=ALL-UNNAMED",
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        classPath(),
        "dev.switchboard.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code switchboard run --home home} with the given extra environment. */
  public static ChildGateway run(Path home, Map<String, String> env) throws IOException {
    return run(home, env, List.of());
  }

  /**
   * The same, started through {@code prefix}: a program that runs the rest of its command line,
   * such as {@code setpriv} to run the gateway as another user.
   */
  public static ChildGateway run(Path home, Map<String, String> env, List<String> prefix)
      throws IOException {
    Path out = Files.createTempFile(home.getParent(), "child-", ".out");
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(command("run", "--home", home.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    environment(pb, env);
    Process p = pb.start();
    return new ChildGateway(p, p.pid(), out, home);
  }

  /**
   * {@code switchboard run --home home} as a person starts it in a terminal: under script(1),
   * which gives it a pseudo-terminal and copies what the terminal shows to {@link #output()}.
   * {@link #pid()} is the gateway's (script's child, which execs Java), and the exit code is
   * the gateway's.
   */
  public static ChildGateway runInTerminal(Path home, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile(home.getParent(), "child-", ".out");
    String line = "exec "
        + command("run", "--home", home.toString()).stream()
            .map(ChildGateway::shellQuoted)
            .collect(Collectors.joining(" "));
    ProcessBuilder pb = new ProcessBuilder(
            "script", "--quiet", "--flush", "--return", "--command", line, "/dev/null")
        .redirectErrorStream(true)
        .redirectOutput(out.toFile());
    environment(pb, env);
    Process p = pb.start();
    ProcessHandle gateway = Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> p.children().findFirst(), Optional::isPresent)
        .orElseThrow();
    return new ChildGateway(p, gateway.pid(), out, home);
  }

  private static String shellQuoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static void environment(ProcessBuilder pb, Map<String, String> env) {
    SUPERVISOR_VARIABLES.forEach(pb.environment()::remove);
    // Any free port, so that children never fight over 8642 (or with a gateway of the user's);
    // the state file says which one was taken.
    pb.environment().put("SWITCHBOARD_HTTP_PORT", "0");
    pb.environment().putAll(env);
  }

  /** Runs a CLI command to completion and returns its exit code and output. */
  public static Result cli(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true);
    environment(pb, env);
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("CLI did not finish: " + String.join(" ", args));
    }
    return new Result(p.exitValue(), text);
  }

  /** A finished command. */
  public record Result(int exitCode, String output) {}

  public long pid() {
    return pid;
  }

  /** The state directory it runs on. */
  public Path home() {
    return home;
  }

  public Process process() {
    return process;
  }

  public void signal(String name) throws Exception {
    signal(pid, name);
  }

  public static void signal(long pid, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -s " + name + " " + pid + " failed");
    }
  }

  /** Waits for the exit and returns the code; fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "gateway pid " + pid() + " still running after " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  /** Waits until the state file says {@code state} for this process. */
  public GatewayState awaitState(String state, Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      Optional<GatewayState> s = StateFile.read(home);
      if (!process.isAlive()
          && !(s.isPresent() && s.get().pid() == pid() && state.equals(s.get().state()))) {
        throw new AssertionError(
            "gateway exited early (" + process.exitValue() + "):\n" + output());
      }
      return s.isPresent() && s.get().pid() == pid() && state.equals(s.get().state());
    });
    return StateFile.read(home).orElseThrow();
  }

  public GatewayState awaitRunning() {
    return awaitState(GatewayState.RUNNING, Duration.ofSeconds(30));
  }

  /** GET {@code path} from this gateway's HTTP server (its address is in the state file). */
  public HttpResult get(String path) throws IOException, InterruptedException {
    String address = StateFile.read(home)
        .map(GatewayState::http)
        .orElseThrow(() -> new AssertionError("no HTTP address in the state file yet"));
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create("http://" + address + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      return new HttpResult(r.statusCode(), r.body());
    }
  }

  /** An answer of the gateway's HTTP server. */
  public record HttpResult(int status, String body) {}

  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    // A relaunched gateway is not our child; find it by the lock's pid and stop it too.
    StateFile.read(home)
        .map(GatewayState::pid)
        .filter(p -> p != pid())
        .flatMap(ProcessHandle::of)
        .ifPresent(ProcessHandle::destroyForcibly);
  }
}
