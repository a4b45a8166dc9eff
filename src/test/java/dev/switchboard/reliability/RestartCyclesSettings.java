package dev.switchboard.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the restart cycles run; {@link #defaults} are the (1,000 cycles).
 *
 * @param jar the gateway's shaded jar (target/switchboard.jar)
 * @param workDir where the gateway's home, the systemd user manager's files and its log go
 * @param cycles how many restarts, the kinds of {@link RestartCycleKind} in turn
 * @param cycleTimeout the longest one restart may take before the run gives up
 * @param jvmOptions the gateway JVM's options (the launcher's by default); {@code switchboard
 *     install} writes them into the unit's ExecStart, as it does for a user of ./switchboard
 * @param aotCache the start-up cache ./switchboard makes (scripts/aot-cache.sh) and starts the
 *     JVM with, as install then writes into the unit; null to start without one
 * @param label said in the report, e.g. the commit measured
 */
public record RestartCyclesSettings(
    Path jar,
    Path workDir,
    int cycles,
    Duration cycleTimeout,
    List<String> jvmOptions,
    @Nullable Path aotCache,
    String label) {

  public RestartCyclesSettings {
    if (cycles < 1) {
      throw new IllegalArgumentException("cycles: 1 or more, not " + cycles);
    }
    if (cycleTimeout.isNegative() || cycleTimeout.isZero()) {
      throw new IllegalArgumentException("cycle-timeout: more than 0, not " + cycleTimeout);
    }
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The JVM's options as ./switchboard gives them: its own, then the cache's. */
  List<String> launcherOptions() {
    List<String> all = new ArrayList<>(jvmOptions);
    if (aotCache != null) {
      all.addAll(List.of(
          "-XX:AOTCache=" + aotCache,
          "-Xlog:aot=off",
          "-Xlog:cds=off",
          "-XX:+UnlockDiagnosticVMOptions",
          "-XX:-AOTReplayTraining"));
    }
    return all;
  }

  public static RestartCyclesSettings defaults(Path jar, Path workDir) {
    return new RestartCyclesSettings(
        jar, workDir, 1000, Duration.ofSeconds(60), GatewayLaunch.LAUNCHER_JVM_OPTIONS, null, "");
  }

  public RestartCyclesSettings withCycles(int n) {
    return new RestartCyclesSettings(jar, workDir, n, cycleTimeout, jvmOptions, aotCache, label);
  }
}
