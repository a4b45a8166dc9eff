package dev.switchboard.lifecycle;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.store.Cursors;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What every {@link PlatformSlot} shares.
 *
 * @param sharedRecords each platform's records in the store the gateways share, none when the
 *     store is this gateway's own
 * @param commands the slash commands, for the platforms' command menus
 * @param draining true once the gateway has begun to stop or restart
 * @param hooks told of each platform's state, for the hooks
 * @param events told when a platform fails for good and when it is back
 * @param sends the gateway's sends on request, for a platform that takes such requests
 * @param disconnectTimeout how long tearing down a connection before another attempt may take
 * @param sleeper the waits between attempts
 */
record SlotServices(
    TaskSupervisor tasks,
    ProgressMonitor progress,
    StateFile stateFile,
    Cursors cursors,
    SharedRecords sharedRecords,
    List<CommandInfo> commands,
    CredentialLocks credentials,
    BooleanSupplier draining,
    GatewayEvents hooks,
    ReconnectPolicy reconnect,
    PlatformEvents events,
    ProactiveSender sends,
    Duration disconnectTimeout,
    Sleeper sleeper,
    Clock clock,
    Ticker ticker,
    SendFailures sendFailures) {

  /** Where a platform keeps its records when the gateways share the store. */
  @FunctionalInterface
  interface SharedRecords {
    Optional<PlatformRecords> of(String platform);
  }

  /** Where a platform's report of a send that failed after the fact goes. */
  @FunctionalInterface
  interface SendFailures {
    void failed(String platform, String platformMessageId, String code, String reason);
  }

  SlotServices {
    commands = List.copyOf(commands);
  }
}
