package dev.switchboard.session;

import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.platform.InboundMessage;
import java.util.function.Predicate;

/**
 * The slash commands and what they may reach beyond their session.
 *
 * @param isAdmin whether a message's sender may run admin-only commands
 */
public record CommandSetup(
    CommandTable commands, GatewayControl gateway, Predicate<InboundMessage> isAdmin) {}
