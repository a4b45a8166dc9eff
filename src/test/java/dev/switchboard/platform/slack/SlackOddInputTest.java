package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.CannedHttpServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An answer that {@link SlackFuzzTest} found to throw. */
class SlackOddInputTest {
  @Test
  void aRetryAfterOfLongMaxValueIsARateLimitNotAnOverflow() throws Exception {
    try (CannedHttpServer server = CannedHttpServer.start()) {
      server.answer(new CannedHttpServer.Answer(
          429, Map.of("Retry-After", Long.toString(Long.MAX_VALUE)), new byte[0]));
      SlackWebApi api = new SlackWebApi(HttpClient.newHttpClient(), server.uri(), d -> {});

      assertThatThrownBy(() -> api.call("chat.postMessage", "xoxb", null, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(PlatformException.class, e -> {
            assertThat(e.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofDays(1));
          });
    }
  }
}
