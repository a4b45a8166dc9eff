package dev.switchboard.lifecycle;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.http.HealthReport;
import dev.switchboard.platform.PlatformState;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The health report from the same facts the watchdog and the state file use (rule 10): the
 * loops' heartbeats and each platform's state. A platform that is degraded (409 Conflict,
 * failing polls) or failed makes the gateway unhealthy; an open socket alone never counts.
 */
final class GatewayHealth implements Supplier<HealthReport> {
  private final StateFile stateFile;
  private final ProgressMonitor progress;
  private final Supplier<Optional<URI>> forwardingTo;

  /**
   * @param forwardingTo while this gateway stands by, the active gateway it forwards requests
   *     to; a standby that knows one is ready (it serves through it), one that does not is not
   */
  GatewayHealth(
      StateFile stateFile, ProgressMonitor progress, Supplier<Optional<URI>> forwardingTo) {
    this.stateFile = stateFile;
    this.progress = progress;
    this.forwardingTo = forwardingTo;
  }

  @Override
  public HealthReport get() {
    GatewayState s = stateFile.current();
    List<String> problems = new ArrayList<>();
    boolean ready = GatewayState.RUNNING.equals(s.state());
    switch (s.state()) {
      case GatewayState.RUNNING, GatewayState.DRAINING -> {}
      case GatewayState.STARTING -> problems.add("the gateway is starting");
      case GatewayState.STANDBY -> {
        Optional<URI> active = forwardingTo.get();
        ready = active.isPresent();
        // no address here: /ready answers anyone, and the active gateway's is internal
        problems.add("standing by: another gateway is active on this database"
            + (ready ? "; requests are forwarded to it" : " and has not said where it is reached"));
      }
      default -> problems.add("the gateway is " + s.state().replace('_', ' '));
    }
    List<String> stalled = new ArrayList<>();
    for (Heartbeat h : progress.stalled()) {
      stalled.add(h.name());
      problems.add(h.name() + " has made no progress for " + h.silence().toSeconds() + " s");
    }
    Map<String, HealthReport.Platform> platforms = new TreeMap<>();
    s.platforms().forEach((name, p) -> {
      platforms.put(name, new HealthReport.Platform(p.state(), p.lastError(), p.nextAttempt()));
      if (!PlatformState.CONNECTED.label().equals(p.state())) {
        problems.add(name + " is " + p.state()
            + (p.lastError() == null ? "" : ": " + p.lastError())
            + (p.nextAttempt() == null ? "" : "; next attempt at " + p.nextAttempt()));
      }
    });
    return new HealthReport(
        s.state(), problems, ready, s.claimsAlive() && stalled.isEmpty(), platforms, stalled);
  }
}
