package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Child processes that a test needs to succeed. */
public final class Processes {
  private Processes() {}

  /**
   * Starts {@code process} with its error output merged into its output, which must end within
   * {@code within} with exit 0; returns that output (named in the failure if it does not).
   */
  public static String outputOfSuccess(ProcessBuilder process, Duration within) throws Exception {
    Process p = process.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(within)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
