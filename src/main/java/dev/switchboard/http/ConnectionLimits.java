package dev.switchboard.http;

import java.time.Duration;

/**
 * How a listener keeps slow or greedy clients from starving the others (a liveness probe on
 * {@code /health} above all).
 *
 * @param total connections open at once; a new one beyond closes the longest-waiting
 *     connection that is not in the middle of a request, or is itself refused when every one is
 * @param perAddress connections open at once from one client address (trusted proxies are
 *     exempt), enforced the same way
 * @param headerTimeout how long a connection may take to send a request's headers, counted
 *     from when it opened or finished its previous request
 * @param idleTimeout how long a connection may stay silent
 * @param minRequestBytesPerSecond the slowest a request body may arrive
 */
public record ConnectionLimits(
    int total,
    int perAddress,
    Duration headerTimeout,
    Duration idleTimeout,
    int minRequestBytesPerSecond) {
  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(512, 64, Duration.ofSeconds(10), Duration.ofSeconds(30), 512);

  public ConnectionLimits {
    if (total < 1 || perAddress < 1 || perAddress > total) {
      throw new IllegalArgumentException(
          "need 1 <= perAddress <= total, got " + perAddress + " and " + total);
    }
    if (!headerTimeout.isPositive() || !idleTimeout.isPositive() || minRequestBytesPerSecond < 1) {
      throw new IllegalArgumentException("timeouts and the data rate must be positive");
    }
  }
}
