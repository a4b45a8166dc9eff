package dev.switchboard.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the soak starts the gateway: the built jar in a JVM of its own, with the options and
 * environment ./switchboard gives it ({@code switchboard run --home home}), as a service
 * manager would run it. Each start appends the process's console output to one file, after a
 * line saying which start it is.
 */
record GatewayLaunch(
    Path java,
    Path jar,
    List<String> jvmOptions,
    Path home,
    Map<String, String> env,
    Path console) {

  /** What ./switchboard starts the JVM with unless SWITCHBOARD_JAVA_OPTS says otherwise. */
  static final List<String> LAUNCHER_JVM_OPTIONS = List.of(
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Xms16m",
      "-Xmx112m",
      "-XX:TrimNativeHeapInterval=5000",
      "-XX:+ExitOnOutOfMemoryError");

  /** What ./switchboard exports unless it is set already. */
  private static final Map<String, String> LAUNCHER_ENV = Map.of("MALLOC_ARENA_MAX", "2");

  /** Inherited variables that would tell the child about another supervisor or configure it. */
  private static final List<String> NOT_INHERITED = List.of(
      "INVOCATION_ID",
      "NOTIFY_SOCKET",
      "WATCHDOG_USEC",
      "WATCHDOG_PID",
      "KUBERNETES_SERVICE_HOST",
      "XPC_SERVICE_NAME",
      "JAVA_TOOL_OPTIONS",
      "JDK_JAVA_OPTIONS",
      "_JAVA_OPTIONS");

  /** The JDK running this JVM: the gateway needs the same (25). */
  static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of(
        "--enable-native-access=ALL-UNNAMED",
        "-jar",
        jar.toString(),
        "run",
        "--home",
        home.toString()));
    return cmd;
  }

  /** Starts the gateway; {@code sequence} names this start in the console file. */
  Process start(int sequence) throws IOException {
    Files.createDirectories(home);
    Files.writeString(
        console,
        "=== start " + sequence + " at " + Instant.now() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(command())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
    Map<String, String> e = pb.environment();
    NOT_INHERITED.forEach(e::remove);
    e.keySet()
        .removeIf(k -> k.startsWith("SWITCHBOARD_")
            || k.startsWith("TELEGRAM_")
            || k.startsWith("OPENAI_")
            || k.startsWith("DISCORD_")
            || k.startsWith("SLACK_")
            || k.startsWith("MATTERMOST_")
            || k.startsWith("MATRIX_")
            || k.startsWith("EMAIL_"));
    LAUNCHER_ENV.forEach(e::putIfAbsent);
    e.putAll(env);
    return pb.start();
  }

  /** The last {@code lines} lines of the console file, to say why a start failed. */
  String consoleTail(int lines) {
    try {
      List<String> all = Files.readAllLines(console, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
