package dev.switchboard.bench;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bot under test as a child process: the real gateway ({@code switchboard.jar run}), or the
 * {@link NullBot} used to measure what the fake and the harness cost on their own.
 */
final class BotProcess implements AutoCloseable {
  /** What ./switchboard starts the JVM with unless SWITCHBOARD_JAVA_OPTS says otherwise. */
  static final List<String> LAUNCHER_JVM_OPTS = List.of("-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-Xms16m",
      "-Xmx112m", "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError");
  /** What ./switchboard exports unless set already. */
  static final Map<String, String> LAUNCHER_ENV = Map.of("MALLOC_ARENA_MAX", "2");
  /** Variables that would make the child think a service manager runs it, or configure it. */
  private static final List<String> INHERITED_TO_DROP = List.of("INVOCATION_ID",
      "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "KUBERNETES_SERVICE_HOST",
      "XPC_SERVICE_NAME", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  private final String kind;
  private final Process process;
  private final Path home;
  private final Path output;
  private final List<String> command;

  private BotProcess(String kind, Process process, Path home, Path output,
      List<String> command) {
    this.kind = kind;
    this.process = process;
    this.home = home;
    this.output = output;
    this.command = command;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts {@code java <launcher options> <extra> --enable-native-access=ALL-UNNAMED -jar jar run
   * --home home}, as ./switchboard does, talking to {@code fake}.
   */
  static BotProcess gateway(Path jar, Path home, FakeTelegramServer fake, List<String> extraJvm,
      Map<String, String> extraEnv) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(LAUNCHER_JVM_OPTS);
    cmd.addAll(extraJvm);
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "run",
        "--home", home.toString()));
    Map<String, String> env = new HashMap<>(extraEnv);
    env.putAll(Map.of(
        "TELEGRAM_BOT_TOKEN", fake.token(),
        "TELEGRAM_API_BASE_URL", fake.baseUrl(),
        "SWITCHBOARD_ALLOW_ALL_USERS", "true",
        "SWITCHBOARD_BUSY_POLICY", "queue",
        // the highest the gateway accepts (1..100000): ~1667/s per chat, never reached here
        "TELEGRAM_CHAT_MESSAGES_PER_MINUTE", "100000",
        "TELEGRAM_GLOBAL_MESSAGES_PER_SECOND", "100000",
        "TELEGRAM_POLL_TIMEOUT", "25s",
        // any free port: the health server must not collide with a gateway already running
        "SWITCHBOARD_HTTP_PORT", "0"));
    return start("gateway", cmd, env, home);
  }

  /** Starts the {@link NullBot} from this harness's own class path. */
  static BotProcess nullBot(Path home, FakeTelegramServer fake, List<String> extraJvm,
      List<String> extraArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(LAUNCHER_JVM_OPTS);
    cmd.addAll(extraJvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NullBot.class.getName(),
        fake.baseUrl(), fake.token()));
    cmd.addAll(extraArgs);
    return start("null bot", cmd, Map.of(), home);
  }

  private static BotProcess start(String kind, List<String> cmd, Map<String, String> env,
      Path home) throws IOException {
    Files.createDirectories(home);
    Path out = home.resolve("child-output.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    Map<String, String> e = pb.environment();
    INHERITED_TO_DROP.forEach(e::remove);
    e.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.startsWith("TELEGRAM_")
        || k.startsWith("OPENAI_"));
    LAUNCHER_ENV.forEach(e::putIfAbsent);
    e.putAll(env);
    return new BotProcess(kind, pb.start(), home, out, List.copyOf(cmd));
  }

  String kind() {
    return kind;
  }

  long pid() {
    return process.pid();
  }

  Path home() {
    return home;
  }

  List<String> command() {
    return command;
  }

  /**
   * The gateway: waits until gateway_state.json says "running" (woken by file events, not by
   * polling), then until the fake holds its long poll. The null bot: the long poll only.
   */
  void awaitReady(FakeTelegramServer fake, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (kind.equals("gateway")) {
      awaitRunningState(deadline);
    }
    long left = deadline - System.nanoTime();
    fake.awaitLongPoll(Duration.ofNanos(Math.max(left, 1)));
  }

  private void awaitRunningState(long deadline) throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    Path state = home.resolve("gateway_state.json");
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      home.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        String now = readState(json, state);
        if ("running".equals(now)) {
          return;
        }
        if ("startup_failed".equals(now) || "stopped".equals(now) || !process.isAlive()) {
          throw new IllegalStateException("the gateway did not start (state " + now
              + (process.isAlive() ? "" : ", exit code " + process.waitFor()) + "); its output:\n"
              + tail(40));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("the gateway was not running after the start timeout"
              + " (state " + now + "); its output:\n" + tail(40));
        }
        // Woken by the state file's rename; the bound only lets us notice a child that died.
        WatchKey key = watch.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)),
            TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  private static String readState(JsonMapper json, Path state) {
    try {
      JsonNode n = json.readTree(Files.readString(state, StandardCharsets.UTF_8));
      return n.path("state").asString(null);
    } catch (IOException | JacksonException e) {
      return null; // not written yet
    }
  }

  /** SIGTERM, then waits for the exit; returns the exit code (or -1 after a forced kill). */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy(); // SIGTERM on Linux
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly();
    process.waitFor();
    return -1;
  }

  boolean alive() {
    return process.isAlive();
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  long outputLines() {
    try (var s = Files.lines(output, StandardCharsets.UTF_8)) {
      return s.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
