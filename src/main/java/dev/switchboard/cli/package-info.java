/**
 * The {@code switchboard} command: {@link dev.switchboard.cli.Main} and one picocli subcommand
 * class per verb (run, start, stop, restart, status, doctor, pairing, install, uninstall,
 * version).
 *
 * <p>Rule: the top of the tree; nothing else depends on it, and only {@link
 * dev.switchboard.cli.ExitGuard} exits the process.
 */
package dev.switchboard.cli;
