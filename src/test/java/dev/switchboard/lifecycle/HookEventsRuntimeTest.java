package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.hooks.EventKind;
import dev.switchboard.hooks.HookSettings;
import dev.switchboard.testing.InMemoryAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The runtime's own events reach hooks: the start, each platform's state, the stop. */
class HookEventsRuntimeTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String RECORD = "cat >> \"$SWITCHBOARD_HOME/events.jsonl\"";

  @TempDir
  Path home;

  private RuntimeHarness h;

  @AfterEach
  void tearDown() throws Exception {
    RuntimeHarness.stopIfRunning(h);
  }

  private List<JsonNode> events() throws Exception {
    Path file = home.resolve("events.jsonl");
    return Files.exists(file)
        ? Files.readAllLines(file).stream().map(JSON::readTree).toList()
        : List.of();
  }

  private boolean has(String event, String field, String value) throws Exception {
    return events().stream()
        .anyMatch(e ->
            e.path("event").asString().equals(event) && e.path(field).asString().equals(value));
  }

  @Test
  void theStartThePlatformsStatesAndTheStopAreReported() throws Exception {
    h = new RuntimeHarness(home);
    h.adapters.add(new InMemoryAdapter("mem"));
    h.hooks = new HookSettings(
        Duration.ofSeconds(10),
        4,
        100,
        false,
        Map.of(
            EventKind.GATEWAY_STARTED, List.of(RECORD),
            EventKind.GATEWAY_STOPPING, List.of(RECORD),
            EventKind.PLATFORM_STATE, List.of(RECORD)));
    h.start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> has("gateway.started", "version", "test")
            && has("platform.state", "state", "connected"));
    JsonNode started = events().stream()
        .filter(e -> e.path("event").asString().equals("gateway.started"))
        .findFirst()
        .orElseThrow();
    assertThat(started.path("platforms").toString()).isEqualTo("[\"mem\"]");
    assertThat(has("platform.state", "state", "connecting")).isTrue();

    long t0 = System.nanoTime();
    h.runtime.request(StopRequest.stop("switchboard stop"));
    assertThat(h.exitCode()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(StopSequence.HOOK_GRACE.plusSeconds(3));

    assertThat(has("gateway.stopping", "source", "switchboard stop")).isTrue();
    assertThat(has("gateway.stopping", "kind", "stop")).isTrue();
    assertThat(has("platform.state", "state", "disconnected")).isTrue();
  }
}
