/**
 * Slash commands: one class per command, found by name in {@link
 * dev.switchboard.command.CommandTable}; each sees only a {@link
 * dev.switchboard.command.CommandContext}: its message, its session, the gateway.
 *
 * <p>Rule: knows nothing of the sessions' lanes, the runtime or the backends (ArchitectureTest).
 */
package dev.switchboard.command;
