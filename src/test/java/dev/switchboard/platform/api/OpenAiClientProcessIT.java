package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.NodeScript;
import dev.switchboard.testing.PrometheusParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} npm client against a gateway process with the echo agent: the
 * model list, a whole and a streamed completion, a 401 for a wrong key (which is not counted as
 * a message), and /metrics read by the official Prometheus parser afterwards.
 */
class OpenAiClientProcessIT {
  private static final String KEY = "sk-process-it-0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  @Test
  void theOfficialClientTalksToTheApiServer() throws Exception {
    Path home = dir.resolve("home");
    try (ChildGateway gateway = ChildGateway.run(home, Map.of("API_SERVER_KEY", KEY))) {
      String address = gateway.awaitRunning().http();
      try (NodeScript client = NodeScript.start(
          "openai-client-test.mjs", Map.of("BASE_URL", "http://" + address, "API_KEY", KEY), dir)) {
        assertThat(client.awaitExit(Duration.ofSeconds(90)))
            .as(client.describe())
            .isZero();
        JsonNode seen = JsonMapper.builder().build().readTree(client.stdout().getLast());
        assertThat(seen.path("completion").asString())
            .isEqualTo("hello from the official openai client");
        assertThat(seen.path("streamed").asString()).isEqualTo("one two three four five six");
        assertThat(seen.path("chunks").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(seen.path("wrongKeyStatus").asInt()).isEqualTo(401);
      }
      // what /metrics says afterwards, read by the official Prometheus parser
      JsonNode families = PrometheusParser.parse(gateway.get("/metrics").body());
      assertThat(families
              .path("switchboard_messages_received")
              .path("samples")
              .valueStream()
              .filter(x -> x.path("labels").path("platform").asString().equals("api"))
              .mapToDouble(x -> x.path("value").asDouble())
              .sum())
          .isEqualTo(2.0);
      // the key never reaches the log, even though every request carried it
      assertThat(gateway.output()).doesNotContain(KEY);
      gateway.signal("TERM");
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    }
  }
}
