package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.common.Json;
import dev.switchboard.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StateFileTest {
  private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant LATER = Instant.parse("2026-03-01T10:05:30.250Z");

  @TempDir
  Path home;

  private final ManualClock clock = new ManualClock(STARTED);

  private GatewayState initial() {
    return new GatewayState(
        4242,
        GatewayState.STARTING,
        "1.2.3",
        home.toString(),
        STARTED,
        STARTED,
        null,
        null,
        false,
        0,
        null,
        Map.of(),
        null,
        null,
        null);
  }

  private StateFile stateFile() {
    return new StateFile(home, initial(), clock);
  }

  private JsonNode onDisk() throws IOException {
    return Json.mapper().readTree(Files.readAllBytes(StateFile.path(home)));
  }

  private List<String> filesInHome() throws IOException {
    try (Stream<Path> s = Files.list(home)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void nothingIsWrittenBeforeTheFirstUpdate() {
    StateFile f = stateFile();
    assertThat(f.current()).isEqualTo(initial());
    assertThat(StateFile.path(home)).doesNotExist();
  }

  @Test
  void updateWritesSnakeCaseFields() throws IOException {
    StateFile f = stateFile();
    clock.advanceTo(LATER);
    f.update(s -> s.withState(GatewayState.RUNNING)
        .withActiveTurns(3)
        .withServiceManager("systemd")
        .withPlatform("telegram", new GatewayState.PlatformStatus("connected", null, LATER))
        .withPlatform(
            "slack", new GatewayState.PlatformStatus("failed", "401 from auth.test", STARTED)));

    JsonNode json = onDisk();
    List<String> names = new ArrayList<>(json.propertyNames());
    assertThat(names)
        .containsExactlyInAnyOrder(
            "pid",
            "state",
            "version",
            "home",
            "started_at",
            "updated_at",
            "exit_code",
            "exit_reason",
            "restart_requested",
            "active_turns",
            "service_manager",
            "platforms",
            "hard_deadline_seconds",
            "http",
            "crash_loop");
    assertThat(json.get("pid").asLong()).isEqualTo(4242);
    assertThat(json.get("state").asString()).isEqualTo("running");
    assertThat(json.get("version").asString()).isEqualTo("1.2.3");
    assertThat(json.get("home").asString()).isEqualTo(home.toString());
    assertThat(json.get("started_at").asString()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(json.get("updated_at").asString()).isEqualTo("2026-03-01T10:05:30.250Z");
    assertThat(json.get("exit_code").isNull())
        .as("exit_code is null until decided")
        .isTrue();
    assertThat(json.get("exit_reason").isNull()).isTrue();
    assertThat(json.get("restart_requested").asBoolean()).isFalse();
    assertThat(json.get("active_turns").asInt()).isEqualTo(3);
    assertThat(json.get("service_manager").asString()).isEqualTo("systemd");

    JsonNode slack = json.get("platforms").get("slack");
    assertThat(new ArrayList<>(slack.propertyNames()))
        .containsExactlyInAnyOrder("state", "last_error", "updated_at", "next_attempt");
    assertThat(slack.get("state").asString()).isEqualTo("failed");
    assertThat(slack.get("last_error").asString()).isEqualTo("401 from auth.test");
    assertThat(json.get("platforms").get("telegram").get("last_error").isNull()).isTrue();
  }

  @Test
  void exitCodeAndRestartAreWritten() throws IOException {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.DRAINING).withExit(75, "restart requested", true));

    JsonNode json = onDisk();
    assertThat(json.get("state").asString()).isEqualTo("draining");
    assertThat(json.get("exit_code").asInt()).isEqualTo(75);
    assertThat(json.get("exit_reason").asString()).isEqualTo("restart requested");
    assertThat(json.get("restart_requested").asBoolean()).isTrue();
  }

  @Test
  void updateStampsUpdatedAtFromTheClockAndKeepsStartedAt() {
    StateFile f = stateFile();
    clock.advanceTo(LATER);

    GatewayState s = f.update(x -> x.withState(GatewayState.RUNNING));

    assertThat(s.updatedAt()).isEqualTo(LATER);
    assertThat(s.startedAt()).isEqualTo(STARTED);
    assertThat(f.current()).isEqualTo(s);
    assertThat(StateFile.read(home)).contains(s);
  }

  @Test
  void readRoundTripsEveryField() {
    StateFile f = stateFile();
    clock.advanceTo(LATER);
    GatewayState written = f.update(s -> s.withState(GatewayState.STOPPED)
        .withExit(0, "stopped by SIGTERM", false)
        .withActiveTurns(1)
        .withServiceManager("none")
        .withPlatform("discord", new GatewayState.PlatformStatus("stopped", "gone", LATER)));

    Optional<GatewayState> read = StateFile.read(home);

    assertThat(read).contains(written);
    assertThat(read.get().platforms()).containsOnlyKeys("discord");
  }

  @Test
  void eachUpdateReplacesTheFile() {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.RUNNING));
    f.update(s -> s.withActiveTurns(2));
    f.update(s -> s.withActiveTurns(1));

    GatewayState read = StateFile.read(home).orElseThrow();
    assertThat(read.state()).isEqualTo("running");
    assertThat(read.activeTurns()).isEqualTo(1);
  }

  @Test
  void readOfAMissingFileIsEmpty() {
    assertThat(StateFile.read(home)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "{",
        "{\"pid\": ",
        "[1,2,3]",
        "\"running\"",
        "{\"pid\": \"not a number\"}",
        "\u0000\u0001\u0002"
      })
  void readOfAnUnparsableFileIsEmpty(String content) throws IOException {
    Files.writeString(StateFile.path(home), content);
    assertThat(StateFile.read(home)).isEmpty();
  }

  /**
   * BUG: {@code readValue} returns null for the JSON literal {@code null} (a file truncated or
   * clobbered by hand, or written by a buggy tool), and {@code Optional.of(null)} throws a
   * NullPointerException out of read() instead of returning empty; {@code switchboard status}
   * then crashes instead of reporting "no state".
   */
  @Test
  void readOfAJsonNullIsEmpty() throws IOException {
    Files.writeString(StateFile.path(home), "null");
    assertThat(StateFile.read(home)).isEmpty();
  }

  @Test
  void readOfADirectoryInsteadOfAFileIsEmpty() throws IOException {
    Files.createDirectory(StateFile.path(home));
    assertThat(StateFile.read(home)).isEmpty();
  }

  @Test
  void readIgnoresFieldsItDoesNotKnow() throws IOException {
    Files.writeString(StateFile.path(home), """
        {"pid": 7, "state": "running", "future_field": {"x": 1}, "active_turns": 2,
         "updated_at": "2026-03-01T10:00:00Z"}
        """);

    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.pid()).isEqualTo(7);
    assertThat(s.state()).isEqualTo("running");
    assertThat(s.activeTurns()).isEqualTo(2);
    assertThat(s.updatedAt()).isEqualTo(STARTED);
    assertThat(s.platforms()).isEmpty(); // absent map becomes empty, not null
    assertThat(s.exitCode()).isNull();
  }

  @Test
  void noTemporaryFilesAreLeftBehind() throws IOException {
    StateFile f = stateFile();
    for (int i = 0; i < 25; i++) {
      int n = i;
      f.update(s -> s.withActiveTurns(n));
    }
    assertThat(filesInHome()).containsExactly(StateFile.NAME);
  }

  @Test
  void aFailedWriteIsLoggedNotThrownAndTheStateStillChanges() throws IOException {
    Path gone = home.resolve("missing-dir");
    StateFile f = new StateFile(gone, initial(), clock);

    AtomicReference<GatewayState> result = new AtomicReference<>();
    assertThatCode(() -> result.set(f.update(s -> s.withState(GatewayState.RUNNING))))
        .doesNotThrowAnyException();
    assertThat(result.get().state()).isEqualTo("running");
    assertThat(f.current().state()).isEqualTo("running");
    assertThat(gone).doesNotExist();
    assertThat(filesInHome()).isEmpty();
  }

  @Test
  void concurrentUpdatesAreSerialized() throws InterruptedException {
    StateFile f = stateFile();
    int threads = 8;
    int each = 25;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          f.update(s -> s.withActiveTurns(s.activeTurns() + 1));
        }
      }));
    }
    go.countDown();
    for (Thread w : workers) {
      assertThat(w.join(java.time.Duration.ofSeconds(20))).isTrue();
    }

    assertThat(f.current().activeTurns()).isEqualTo(threads * each);
    assertThat(StateFile.read(home).orElseThrow().activeTurns()).isEqualTo(threads * each);
  }

  @Test
  void aReaderNeverSeesAHalfWrittenFile() throws Exception {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.RUNNING));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    Thread reader = Thread.ofPlatform().start(() -> {
      while (writing.get()) {
        Optional<GatewayState> s = StateFile.read(home);
        reads.incrementAndGet();
        if (s.isEmpty() || !s.get().state().equals(GatewayState.RUNNING)) {
          failures.incrementAndGet();
        }
      }
    });
    try {
      String big = "x".repeat(20_000); // a long last_error makes a torn write likely
      for (int i = 0; i < 200; i++) {
        int n = i;
        f.update(s -> s.withActiveTurns(n)
            .withPlatform("p", new GatewayState.PlatformStatus("failed", big + n, LATER)));
      }
    } finally {
      writing.set(false);
      reader.join();
    }
    assertThat(reads.get()).isPositive();
    assertThat(failures.get()).as("reads that saw no or a partial file").isZero();
    assertThat(filesInHome()).containsExactly(StateFile.NAME);
  }

  @Test
  void theFileIsUtf8Json() throws IOException {
    StateFile f = stateFile();
    f.update(s ->
        s.withPlatform("tëlegram", new GatewayState.PlatformStatus("connected", "naïve ✓", LATER)));

    String text = Files.readString(StateFile.path(home), StandardCharsets.UTF_8);
    assertThat(text).contains("tëlegram").contains("naïve ✓");
    assertThat(StateFile.read(home).orElseThrow().platforms().get("tëlegram").lastError())
        .isEqualTo("naïve ✓");
  }

  // ---------------------------------------------------------------- GatewayState

  @ParameterizedTest
  @ValueSource(strings = {GatewayState.STARTING, GatewayState.RUNNING, GatewayState.DRAINING})
  void statesOfALiveProcessClaimAlive(String state) {
    assertThat(initial().withState(state).claimsAlive()).isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {GatewayState.STOPPED, GatewayState.STARTUP_FAILED, "", "RUNNING", "unknown"})
  void otherStatesDoNotClaimAlive(String state) {
    assertThat(initial().withState(state).claimsAlive()).isFalse();
  }

  @Test
  void platformsAreCopiedAndNeverNull() {
    GatewayState noPlatforms = new GatewayState(
        1, "running", "v", "h", STARTED, STARTED, null, null, false, 0, null, null, null, null,
        null);
    assertThat(noPlatforms.platforms()).isEmpty();

    java.util.HashMap<String, GatewayState.PlatformStatus> mutable = new java.util.HashMap<>();
    mutable.put("a", new GatewayState.PlatformStatus("connected", null, STARTED));
    GatewayState s = new GatewayState(
        1, "running", "v", "h", STARTED, STARTED, null, null, false, 0, null, mutable, null, null,
        null);
    mutable.put("b", new GatewayState.PlatformStatus("connected", null, STARTED));
    assertThat(s.platforms()).containsOnlyKeys("a");

    GatewayState withB = s.withPlatform("b", new GatewayState.PlatformStatus("failed", "x", LATER));
    assertThat(withB.platforms()).containsOnlyKeys("a", "b");
    assertThat(s.platforms()).containsOnlyKeys("a");
  }
}
