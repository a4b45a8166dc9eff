package dev.switchboard.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code /health} and {@code /ready} answer, computed afresh for every request.
 *
 * @param state the gateway's state: starting, running, draining
 * @param problems why it is not healthy, one readable line each; empty when healthy
 * @param ready running and taking new turns (not starting, not draining)
 * @param live starting, running or draining with every loop making progress: what a liveness
 *     probe should restart on. A platform that is away does not count, because the gateway
 *     reconnects it itself and a restart would only drop the turns in flight
 * @param platforms each platform's state and last error
 * @param stalledLoops loops that should make progress and have not
 */
public record HealthReport(
    String state,
    List<String> problems,
    boolean ready,
    boolean live,
    Map<String, Platform> platforms,
    List<String> stalledLoops) {

  /**
   * One platform's line.
   *
   * @param nextAttempt when the gateway tries to connect it again; null when no retry waits
   */
  public record Platform(
      String state, @Nullable String lastError, @Nullable Instant nextAttempt) {

    public Platform(String state, @Nullable String lastError) {
      this(state, lastError, null);
    }
  }

  public HealthReport {
    problems = List.copyOf(problems);
    platforms = Map.copyOf(platforms);
    stalledLoops = List.copyOf(stalledLoops);
  }

  public boolean healthy() {
    return problems.isEmpty();
  }
}
