package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private final Failures failures = new Failures(new TestSettings("http://localhost:1/v1").build());

  @Test
  void retryAfterTakesSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");

    assertThat(Failures.retryAfter("3", now)).isEqualTo(Duration.ofSeconds(3));
    assertThat(Failures.retryAfter("Sun, 01 Jun 2025 12:00:07 GMT", now))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(Failures.retryAfter("Sun, 01 Jun 2025 11:00:00 GMT", now)).isZero();
    assertThat(Failures.retryAfter("soon", now)).isNull();
    assertThat(Failures.retryAfter(null, now)).isNull();
  }

  @Test
  void serverTextIsMaskedAndShortened() {
    assertThat(failures.mask("bad key " + TestSettings.KEY)).isEqualTo("bad key ****");
    assertThat(failures.mask("other sk-proj-ABCDEFGHIJ and Bearer abcdefghij"))
        .isEqualTo("other sk-**** and Bearer ****");
    assertThat(failures.mask("x".repeat(1000))).hasSize(Failures.SHOWN_SERVER_TEXT);
  }

  @Test
  void errorBodiesOfSeveralShapesAreRead() {
    assertThat(Failures.ServerError.parse(
            "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":\"c\"}}"))
        .isEqualTo(new Failures.ServerError("m", "t", "c"));
    assertThat(Failures.ServerError.parse("{\"error\":\"model not found\"}").message())
        .isEqualTo("model not found");
    assertThat(Failures.ServerError.parse("404 page not found").message())
        .isEqualTo("404 page not found");
  }

  @Test
  void aConnectTimeoutOfEitherClientSaysNoConnectionWithinTheTimeout() {
    // Jetty's client reports it as a socket timeout; the JDK's as its own exception type
    assertThat(
            failures.forIo(new SocketTimeoutException("Connect Timeout"), false).userMessage())
        .startsWith("Cannot reach the model server at localhost:1: no connection within");
    assertThat(failures
            .forIo(new HttpConnectTimeoutException("HTTP connect timed out"), false)
            .userMessage())
        .startsWith("Cannot reach the model server at localhost:1: no connection within");
  }
}
