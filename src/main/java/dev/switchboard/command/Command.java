package dev.switchboard.command;

import java.util.List;

/**
 * One slash command. Commands run at once on the dispatcher's loop, ahead of any turn, so they
 * must be quick and must not block; long work belongs in an agent turn.
 */
public interface Command {
  /** Without the slash: "status". */
  String name();

  /** Other names that run this command: "reset" for "new". */
  default List<String> aliases() {
    return List.of();
  }

  /** One line for /help and for the platforms' command menus. */
  String description();

  /** Only admins may run it; others get a clear refusal. */
  default boolean adminOnly() {
    return false;
  }

  void execute(CommandContext context);
}
