package dev.switchboard.testing;

import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.GatewayState.PlatformStatus;
import dev.switchboard.lifecycle.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One platform of a {@link ChildGateway} as its state file shows it: waits for a state, checks
 * that one holds for a while, and times how long the platform takes to connect. A wait that
 * fails names the platform's last state and shows the gateway's output.
 */
public final class PlatformWatch {
  private static final Duration POLL = Duration.ofMillis(50);

  private final Path home;
  private final String platform;
  private final ChildGateway gateway;

  public PlatformWatch(Path home, String platform, ChildGateway gateway) {
    this.home = home;
    this.platform = platform;
    this.gateway = gateway;
  }

  /** The platform's status in the running gateway's state file, if it has one yet. */
  public Optional<PlatformStatus> status() {
    return StateFile.read(home)
        .filter(s -> s.pid() == gateway.pid() && GatewayState.RUNNING.equals(s.state()))
        .map(s -> s.platforms().get(platform));
  }

  /** Waits until the platform's status meets {@code condition}, and returns that status. */
  public PlatformStatus awaitStatus(
      Duration timeout, String what, Predicate<PlatformStatus> condition) {
    try {
      return await()
          .atMost(timeout)
          .pollInterval(POLL)
          .until(() -> status().filter(condition), Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw failure(platform + " not " + what + " within " + timeout, e);
    }
  }

  /**
   * Checks all through {@code period} that the gateway process lives and the platform's status
   * meets {@code condition}.
   */
  public void holds(Duration period, String what, Predicate<PlatformStatus> condition) {
    if (!period.isPositive()) { // already over (a slow start): the status now, at least
      if (!(gateway.process().isAlive() && status().filter(condition).isPresent())) {
        throw failure(platform + " was not " + what, null);
      }
      return;
    }
    try {
      await()
          .during(period)
          .atMost(period.plusSeconds(5))
          .pollInterval(POLL)
          .until(() -> gateway.process().isAlive() && status().filter(condition).isPresent());
    } catch (ConditionTimeoutException e) {
      throw failure(platform + " was not " + what + " all through " + period, e);
    }
  }

  /**
   * Waits until the platform is connected in the state file and {@code fakeConnected} agrees,
   * and returns how long that took.
   */
  public Duration awaitConnected(Duration timeout, BooleanSupplier fake) {
    long began = System.nanoTime();
    try {
      await()
          .atMost(timeout)
          .pollInterval(POLL)
          .until(() -> fake.getAsBoolean()
              && status().filter(s -> "connected".equals(s.state())).isPresent());
    } catch (ConditionTimeoutException e) {
      throw failure(platform + " not connected within " + timeout, e);
    }
    return Duration.ofNanos(System.nanoTime() - began);
  }

  private AssertionError failure(String message, @Nullable Exception cause) {
    String output;
    try {
      output = gateway.output();
    } catch (IOException e) {
      output = "(no output: " + e + ")";
    }
    return new AssertionError(
        message + "; last status " + status().map(Object::toString).orElse("-") + "\n" + output,
        cause);
  }
}
