package dev.switchboard.hooks;

import java.util.List;

/**
 * One program run for an event.
 *
 * @param name for the log: "hooks/turn.finished/notify" or "hooks.commands.turn_finished[0]"
 * @param command what is started (the hook's own process group is made around it)
 */
record Hook(String name, List<String> command) {
  Hook {
    command = List.copyOf(command);
  }
}
