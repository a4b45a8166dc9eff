package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crash loop, replayed: a state directory with 200 MB of web chat history, and the
 * gateway started by the {@code ./switchboard} launcher with its own heap limit and its exit on
 * OutOfMemoryError (code 3, which a supervisor restarts into the same failure). It must come up,
 * list the conversations, serve the newest page and older ones, keep its live heap small, and
 * stop with 0. {@code WebChatLargeHistoryTest} measures the start's own time and allocation.
 */
class WebChatHistoryProcessIT {
  private static final Path LAUNCHER = Path.of("switchboard").toAbsolutePath();
  private static final long MB = 1024 * 1024;
  private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)m");
  private static final Pattern LISTED =
      Pattern.compile("web chat: (\\d+) conversation\\(s\\) on record \\(listed in (\\d+) ms\\)");
  private static final Pattern HEAP_USED =
      Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)$");
  /** The live heap after a full collection, with the history listed and pages served. */
  private static final long MOST_LIVE_HEAP = 48 * MB;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path fallback;

  private Path dir;

  @BeforeEach
  void makeDir() throws Exception {
    // In memory where there is room: 200 MB written to a busy disk would take most of the
    // test's time, and the disk is not what is under test.
    Path shm = Path.of("/dev/shm");
    dir = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "switchboard-webhist-")
        : fallback;
  }

  @AfterEach
  void removeDir() throws Exception {
    if (!dir.equals(fallback)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void twoHundredMegabytesOfHistoryStartUnderTheLaunchersHeapLimit() throws Exception {
    Matcher xmx = XMX.matcher(Files.readString(LAUNCHER));
    assertThat(xmx.find()).as("the launcher sets -Xmx").isTrue();
    Path home = dir.resolve("home");
    HistoryFiles.Written history = HistoryFiles.write(home.resolve("web"), 100 * MB, 100, MB);
    assertThat(history.bytes()).isGreaterThanOrEqualTo(200 * MB);

    Path log = dir.resolve("gateway.out");
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "run", "--home", home.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SWITCHBOARD_SKIP_BUILD", "1"); // the build already made the jar
    pb.environment().put("SWITCHBOARD_HTTP_PORT", "0");
    pb.environment().put("SWITCHBOARD_HTTP_AUTH", "false"); // loopback only
    pb.environment().remove("SWITCHBOARD_JAVA_OPTS"); // the launcher's own heap limit
    List.of("INVOCATION_ID", "NOTIFY_SOCKET", "SWITCHBOARD_HOME", "KUBERNETES_SERVICE_HOST")
        .forEach(pb.environment()::remove);
    long launched = System.nanoTime();
    Process gateway = pb.start();
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        if (!gateway.isAlive()) {
          throw new AssertionError(
              "the gateway exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
        }
        return StateFile.read(home)
            .filter(s -> s.pid() == gateway.pid() && GatewayState.RUNNING.equals(s.state()))
            .isPresent();
      });
      long toRunning = Duration.ofNanos(System.nanoTime() - launched).toMillis();
      assertThat(gateway.info().arguments().map(List::of).orElse(List.of())).contains(xmx.group());
      String output = Files.readString(log);
      Matcher listed = LISTED.matcher(output);
      assertThat(listed.find()).as(output).isTrue();
      assertThat(listed.group(1)).isEqualTo("101");

      String base = "http://" + StateFile.read(home).orElseThrow().http();
      JsonNode chats = get(base + "/api/web/chats");
      assertThat(chats.path("chats")).hasSize(101);
      assertThat(chats.path("chats").get(0).path("id").asString()).isEqualTo(history.bigChat());
      String messages = base + "/api/web/chats/" + history.bigChat() + "/messages";
      JsonNode page = get(messages);
      assertThat(page.path("messages")).hasSize(ChatLogs.PAGE_MESSAGES);
      for (int i = 0; i < 3; i++) {
        page = get(messages + "?limit=" + ChatLogs.MAX_PAGE_MESSAGES + "&before="
            + page.path("before").asString());
        assertThat(page.path("messages")).hasSize(ChatLogs.MAX_PAGE_MESSAGES);
      }

      long liveHeap = liveHeap(gateway.pid(), base);
      System.out.printf(
          "WebChatHistoryProcessIT: %d MB of history, launcher %s: running after %d ms (web"
              + " chat listed in %s ms), live heap %d MB%n",
          history.bytes() / MB, xmx.group(), toRunning, listed.group(2), liveHeap / MB);
      assertThat(liveHeap).isLessThan(MOST_LIVE_HEAP);

      ChildGateway.signal(gateway.pid(), "TERM");
      assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(gateway.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      gateway.destroyForcibly();
    }
  }

  /** The heap in use right after a full collection, as {@code /metrics} reports it. */
  private static long liveHeap(long pid, String base) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
        .redirectErrorStream(true)
        .start();
    String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(gc.exitValue()).as(said).isZero();
    String metrics = text(base + "/metrics");
    Matcher used = HEAP_USED.matcher(metrics);
    long total = 0;
    int pools = 0;
    while (used.find()) {
      total += (long) Double.parseDouble(used.group(1));
      pools++;
    }
    assertThat(pools).as(metrics).isPositive();
    return total;
  }

  private static JsonNode get(String url) throws Exception {
    return JSON.readTree(text(url));
  }

  private static String text(String url) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
      return r.body();
    }
  }
}
