package dev.switchboard.lifecycle;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.store.Cursors;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What every {@link PlatformSlot} shares.
 *
 * @param commands the slash commands, for the platforms' command menus
 * @param draining true once the gateway has begun to stop or restart
 */
record SlotServices(
    TaskSupervisor tasks,
    ProgressMonitor progress,
    StateFile stateFile,
    Cursors cursors,
    List<CommandInfo> commands,
    CredentialLocks credentials,
    BooleanSupplier draining,
    Clock clock,
    Ticker ticker) {

  SlotServices {
    commands = List.copyOf(commands);
  }
}
