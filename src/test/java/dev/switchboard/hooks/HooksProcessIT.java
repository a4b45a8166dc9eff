package dev.switchboard.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test: the built gateway with a {@code turn.started} hook that hangs for ever (and
 * starts a child that would too) and a {@code turn.finished} hook that records its event. The
 * gateway keeps answering while the hooks hang, each hanging hook and its child are gone soon
 * after {@code hooks.timeout}, the recorded events say how each turn went and nothing of what
 * was said, and the hooks saw none of the gateway's secrets.
 */
class HooksProcessIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final String SECRET = "sk-hooks-must-never-see-this-0123456789";

  @TempDir
  Path dir;

  private Path home;
  private LoopbackServer chat;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    chat = new LoopbackServer();
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "auth:\n  allow_all_users: true\n"
            + "platforms:\n  loopback:\n    enabled: true\n    port: " + chat.port() + "\n"
            + "hooks:\n  timeout: " + TIMEOUT.toSeconds() + "s\n");
    HookScripts.hook(home, EventKind.TURN_STARTED, "hang", """
        echo $$ >> "$SWITCHBOARD_HOME/hang.pids"
        sleep 1000 &
        echo $! >> "$SWITCHBOARD_HOME/hang.pids"
        wait
        """);
    HookScripts.hook(home, EventKind.TURN_FINISHED, "record", """
        cat >> "$SWITCHBOARD_HOME/turns.jsonl"
        env > "$SWITCHBOARD_HOME/hook-env.txt"
        """);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
      gateway.process().waitFor(10, TimeUnit.SECONDS);
    }
    chat.close();
  }

  private List<String> lines(String file) throws Exception {
    Path p = home.resolve(file);
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }

  @Test
  void aHookThatHangsIsKilledAtItsTimeoutAndTheGatewayKeepsAnswering() throws Exception {
    gateway = ChildGateway.run(home, Map.of("OPENAI_API_KEY", SECRET));
    gateway.awaitState("running", START);
    chat.awaitConnection(-1, START);

    long t0 = System.nanoTime();
    chat.send("alice", "first words");
    chat.awaitText("alice", "first words", ANSWER);
    chat.send("bob", "second words");
    chat.send("alice", "third words");
    chat.awaitText("bob", "second words", ANSWER);
    chat.awaitText("alice", "third words", ANSWER);
    Duration answered = Duration.ofNanos(System.nanoTime() - t0);
    // Answered while the three turn.started hooks still hang: none has reached its timeout yet
    // unless answering itself took that long.
    System.out.printf(
        "three messages answered in %d ms while their hooks hung%n", answered.toMillis());

    await().atMost(ANSWER).until(() -> lines("hang.pids").size() == 6);
    List<Long> pids = lines("hang.pids").stream().map(Long::parseLong).toList();
    await()
        .atMost(TIMEOUT.plus(HookProcess.TERM_GRACE).plusSeconds(3))
        .until(() -> pids.stream().allMatch(HookScripts::gone));
    System.out.printf(
        "hanging hooks and their children gone %d ms after the first message%n",
        Duration.ofNanos(System.nanoTime() - t0).toMillis());

    await().atMost(ANSWER).until(() -> lines("turns.jsonl").size() == 3);
    for (String line : lines("turns.jsonl")) {
      JsonNode e = JSON.readTree(line);
      assertThat(e.path("event").asString()).isEqualTo("turn.finished");
      assertThat(e.path("platform").asString()).isEqualTo("loopback");
      assertThat(e.path("outcome").asString()).isEqualTo("answered");
      assertThat(e.path("attempt").asInt()).isEqualTo(1);
      assertThat(e.path("duration_ms").isIntegralNumber()).isTrue();
      assertThat(e.has("text")).isFalse();
      assertThat(line).doesNotContain("words");
    }
    assertThat(
            lines("turns.jsonl").stream().map(l -> JSON.readTree(l).path("chat").asString()))
        .containsExactlyInAnyOrder("alice", "bob", "alice");
    String env = Files.readString(home.resolve("hook-env.txt"));
    assertThat(env)
        .contains("SWITCHBOARD_EVENT=turn.finished")
        .doesNotContain(SECRET)
        .doesNotContain("OPENAI_API_KEY")
        .doesNotContain("SWITCHBOARD_HTTP_PORT");

    await()
        .atMost(ANSWER)
        .untilAsserted(() -> assertThat(gateway.output())
            .contains("hook hooks/turn.started/hang for turn.started still ran at its timeout"));
    await()
        .atMost(ANSWER)
        .untilAsserted(() -> assertThat(gateway.get("/metrics").body())
            .contains(
                "switchboard_hooks_runs_total{event=\"turn.started\",result=\"timed_out\"} 3.0")
            .contains("switchboard_hooks_runs_total{event=\"turn.finished\",result=\"ok\"} 3.0"));

    // Still answering after the kills, and a stop is not held up by hooks.
    chat.send("alice", "still there?");
    chat.awaitText("alice", "still there?", ANSWER);
    long stopAt = System.nanoTime();
    gateway.signal("TERM");
    assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    System.out.printf(
        "stopped in %d ms with a hook hanging%n",
        Duration.ofNanos(System.nanoTime() - stopAt).toMillis());
    List<Long> all = lines("hang.pids").stream().map(Long::parseLong).toList();
    assertThat(all).hasSize(8);
    await().atMost(Duration.ofSeconds(3)).until(() -> all.stream().allMatch(HookScripts::gone));
  }
}
