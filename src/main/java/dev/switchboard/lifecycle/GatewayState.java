package dev.switchboard.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The content of {@code gateway_state.json}: what the gateway is doing, for {@code switchboard
 * status}, supervisors and people. Field names are snake_case on disk.
 *
 * @param state starting, running, draining, stopped or startup_failed
 * @param exitCode null until the exit code is decided (which happens before teardown starts)
 * @param exitReason who or what ended the process, null while running
 * @param hardDeadlineSeconds how long a stop of this gateway may take at most (drain_timeout +
 *     shutdown_grace), so {@code switchboard stop} and {@code restart} know how long to wait
 * @param http where the HTTP server (health) listens, host:port; null until it does
 * @param crashLoop set when this process was started in a crash loop and held back before
 *     connecting to the platforms; null otherwise
 */
public record GatewayState(
    long pid,
    String state,
    String version,
    String home,
    Instant startedAt,
    Instant updatedAt,
    @Nullable Integer exitCode,
    @Nullable String exitReason,
    boolean restartRequested,
    int activeTurns,
    @Nullable String serviceManager,
    Map<String, PlatformStatus> platforms,
    @Nullable Long hardDeadlineSeconds,
    @Nullable String http,
    @Nullable CrashLoop crashLoop) {

  public static final String STARTING = "starting";
  public static final String RUNNING = "running";
  /** Started, on a shared database that another gateway is active on: taking over if it goes. */
  public static final String STANDBY = "standby";

  public static final String DRAINING = "draining";
  public static final String STOPPED = "stopped";
  public static final String STARTUP_FAILED = "startup_failed";

  /**
   * The respawn breaker's verdict: {@code unplannedStarts} starts that followed an unplanned end
   * within {@code windowSeconds}, so the platforms are connected only at {@code connectAt}.
   */
  public record CrashLoop(
      int unplannedStarts,
      long windowSeconds,
      long delaySeconds,
      Instant connectAt,
      String lastEnd) {}

  /**
   * One platform's line in the state file.
   *
   * @param nextAttempt when the runtime tries to connect it again; null while it is not waiting
   *     for a retry
   */
  public record PlatformStatus(
      String state,
      @Nullable String lastError,
      Instant updatedAt,
      @Nullable Instant nextAttempt) {

    public PlatformStatus(String state, @Nullable String lastError, Instant updatedAt) {
      this(state, lastError, updatedAt, null);
    }
  }

  public GatewayState {
    platforms = platforms == null ? Map.of() : Map.copyOf(new TreeMap<>(platforms));
  }

  /** The first record of a process: starting, nothing known yet. */
  public static GatewayState starting(long pid, String version, String home, Instant now) {
    return new GatewayState(
        pid, STARTING, version, home, now, now, null, null, false, 0, null, Map.of(), null, null,
        null);
  }

  /** True for a state in which a live process should hold the lock. */
  public boolean claimsAlive() {
    return STARTING.equals(state)
        || STANDBY.equals(state)
        || RUNNING.equals(state)
        || DRAINING.equals(state);
  }

  GatewayState withState(String newState) {
    return new GatewayState(
        pid,
        newState,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }

  GatewayState withExit(int code, @Nullable String reason, boolean restart) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        code,
        reason,
        restart,
        activeTurns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }

  GatewayState withActiveTurns(int turns) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        turns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }

  GatewayState withHardDeadline(Duration deadline) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        platforms,
        deadline.toSeconds(),
        http,
        crashLoop);
  }

  GatewayState withServiceManager(String manager) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        manager,
        platforms,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }

  GatewayState withPlatform(String name, PlatformStatus status) {
    Map<String, PlatformStatus> copy = new TreeMap<>(platforms);
    copy.put(name, status);
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        copy,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }

  GatewayState withHttp(String address) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        address,
        crashLoop);
  }

  GatewayState withCrashLoop(CrashLoop loop) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        updatedAt,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        http,
        loop);
  }

  GatewayState touchedAt(Instant now) {
    return new GatewayState(
        pid,
        state,
        version,
        home,
        startedAt,
        now,
        exitCode,
        exitReason,
        restartRequested,
        activeTurns,
        serviceManager,
        platforms,
        hardDeadlineSeconds,
        http,
        crashLoop);
  }
}
