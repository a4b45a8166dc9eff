package dev.switchboard.lifecycle;

import dev.switchboard.config.Config;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.job.JobSettings;
import dev.switchboard.session.BusyPolicy;
import dev.switchboard.session.DispatcherSettings;
import dev.switchboard.session.TurnSettings;
import java.time.Duration;

/** The settings the runtime reads, typed, from a validated {@link Config}. */
public record GatewaySettings(
    Duration drainTimeout,
    Duration shutdownGrace,
    Duration connectTimeout,
    Duration disconnectTimeout,
    ReconnectPolicy reconnect,
    DispatcherSettings dispatcher) {

  public static GatewaySettings from(Config config) {
    DispatcherSettings d = DispatcherSettings.defaults();
    return new GatewaySettings(
        config.get(CoreKeys.DRAIN_TIMEOUT),
        config.get(CoreKeys.SHUTDOWN_GRACE),
        config.get(CoreKeys.CONNECT_TIMEOUT),
        config.get(CoreKeys.DISCONNECT_TIMEOUT),
        ReconnectPolicy.from(config),
        new DispatcherSettings(
            BusyPolicy.valueOf(config.get(CoreKeys.BUSY_POLICY).name()),
            config.get(CoreKeys.GROUP_SESSION_PER_USER),
            config.get(CoreKeys.MAX_QUEUED),
            d.intakeCapacity(),
            d.intakeWait(),
            new TurnSettings(
                config.get(CoreKeys.HISTORY_MESSAGES),
                config.get(CoreKeys.APPROVAL_TIMEOUT),
                config.get(CoreKeys.TOOL_PROGRESS),
                config.get(JobSettings.SILENT_REPLY),
                config.get(CoreKeys.TYPING_DELAY))));
  }

  /** The whole stop's budget: after this the hard deadline ends the process. */
  public Duration hardDeadline() {
    return drainTimeout.plus(shutdownGrace);
  }
}
