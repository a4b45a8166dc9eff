package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What passes is retried at once and then with backoff; what lasts only now and then. */
class ConnectFailureTest {
  private static PlatformException of(PlatformException.Kind kind) {
    return new PlatformException(
        "getMe: x",
        kind,
        kind == PlatformException.Kind.RATE_LIMITED ? Duration.ofSeconds(3) : null,
        null);
  }

  @Test
  void theNetworkAndTheServersTroublesPass() {
    assertThat(ConnectFailure.of(new ConnectException("Connection refused")).lasting())
        .isFalse();
    assertThat(ConnectFailure.of(new UncheckedIOException(new IOException("reset")))
            .lasting())
        .isFalse();
    assertThat(ConnectFailure.of(of(PlatformException.Kind.TRANSIENT)).lasting())
        .isFalse();
    assertThat(ConnectFailure.of(of(PlatformException.Kind.RATE_LIMITED)).lasting())
        .isFalse();
    assertThat(ConnectFailure.of(of(PlatformException.Kind.UNKNOWN_OUTCOME)).lasting())
        .isFalse();
    assertThat(ConnectFailure.timedOut(30))
        .isEqualTo(new ConnectFailure("connect timed out after 30 s", false));
  }

  @Test
  void aRefusalOrABugLasts() {
    assertThat(ConnectFailure.of(of(PlatformException.Kind.FATAL)).lasting()).isTrue();
    assertThat(ConnectFailure.of(of(PlatformException.Kind.REFUSED)).lasting()).isTrue();
    ConnectFailure bug = ConnectFailure.of(new IllegalStateException("no such chat type"));
    assertThat(bug.lasting()).isTrue();
    assertThat(bug.why()).isEqualTo("IllegalStateException: no such chat type");
  }
}
