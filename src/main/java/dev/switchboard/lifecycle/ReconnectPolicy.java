package dev.switchboard.lifecycle;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.CoreKeys;
import java.time.Duration;

/**
 * When the runtime tries a platform again (gateway.reconnect.*): a platform that could not be
 * reached after a full-jitter exponential backoff from {@code firstDelay} doubling to {@code
 * maxDelay}; one that refused the credentials every {@code refusedEvery}.
 */
record ReconnectPolicy(Duration firstDelay, Duration maxDelay, Duration refusedEvery) {
  static final ReconnectPolicy DEFAULTS =
      new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

  ReconnectPolicy {
    if (maxDelay.compareTo(firstDelay) < 0) {
      throw new ConfigException(
          CoreKeys.RECONNECT_MAX_DELAY.path(),
          "is " + maxDelay + ", less than " + CoreKeys.RECONNECT_FIRST_DELAY.path() + " ("
              + firstDelay + "); make it at least that");
    }
  }

  static ReconnectPolicy from(Config config) {
    return new ReconnectPolicy(
        config.get(CoreKeys.RECONNECT_FIRST_DELAY),
        config.get(CoreKeys.RECONNECT_MAX_DELAY),
        config.get(CoreKeys.RECONNECT_REFUSED_EVERY));
  }
}
