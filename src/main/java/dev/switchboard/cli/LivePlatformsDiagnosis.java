package dev.switchboard.cli;

import dev.switchboard.common.Finding;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.platform.PlatformState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code switchboard doctor}'s look at the running gateway's platforms, from its state file: a
 * platform the gateway is still trying to reach, or one that refused the credentials and is
 * tried again now and then, is named with its last error and the time of the next attempt.
 * Credentials checked by doctor itself can pass while the gateway cannot reach the platform
 * (the network, a proxy), so both are shown.
 */
final class LivePlatformsDiagnosis {
  private LivePlatformsDiagnosis() {}

  static List<Finding> check(Path home) throws IOException {
    GatewayProcess gw = GatewayProcess.look(home);
    if (!gw.running() || gw.state().isEmpty()) {
      return List.of();
    }
    return check(gw.state().get());
  }

  static List<Finding> check(GatewayState s) {
    List<Finding> out = new ArrayList<>();
    s.platforms().forEach((name, p) -> {
      String subject = "platform " + name;
      if (PlatformState.CONNECTED.label().equals(p.state())) {
        out.add(Finding.ok(subject, "connected (since " + p.updatedAt() + ")"));
        return;
      }
      String why = p.lastError() == null ? "" : ": " + p.lastError();
      String next =
          p.nextAttempt() == null ? "" : "; the gateway tries again at " + p.nextAttempt();
      if (PlatformState.FAILED.label().equals(p.state())) {
        out.add(Finding.fail(
            subject,
            "failed" + why + next,
            "fix what the error names (a token refused: set the right one in .env); the gateway"
                + " picks it up at its next attempt, or at once after switchboard restart"));
      } else {
        out.add(Finding.warn(
            subject,
            p.state() + why + next,
            "check that this machine reaches the platform (network, DNS, proxy); the gateway"
                + " keeps trying with backoff, nothing to restart"));
      }
    });
    return out;
  }
}
