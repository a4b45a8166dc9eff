package dev.switchboard.command;

import dev.switchboard.platform.InboundMessage;

/** What a command can see and do. */
public interface CommandContext {
  InboundMessage message();

  /** The text after the command name, trimmed; empty when there is none. */
  String arguments();

  /** Replies in the chat the command came from. */
  void reply(String text);

  SessionControl session();

  /** Whether the sender may run admin-only commands. */
  boolean senderIsAdmin();

  GatewayControl gateway();

  CommandTable commands();
}
