package dev.switchboard.session;

import dev.switchboard.command.CommandContext;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.command.SessionControl;
import dev.switchboard.platform.InboundMessage;

/** What one command invocation sees: its message, its session, the gateway. */
final class SessionCommandContext implements CommandContext, SessionControl {
  private final Dispatcher dispatcher;
  private final InboundMessage message;
  private final String arguments;
  private final SessionKey key;
  private final GatewayControl gateway;
  private final CommandTable commands;
  private int replies;

  SessionCommandContext(Dispatcher dispatcher, InboundMessage message, String arguments,
      SessionKey key, GatewayControl gateway, CommandTable commands) {
    this.dispatcher = dispatcher;
    this.message = message;
    this.arguments = arguments;
    this.key = key;
    this.gateway = gateway;
    this.commands = commands;
  }

  @Override
  public InboundMessage message() {
    return message;
  }

  @Override
  public String arguments() {
    return arguments;
  }

  @Override
  public void reply(String text) {
    // Keyed by the command's message: run again after a crash, it is not answered twice.
    dispatcher.noticeLater(message.chat(), text, message.dedupeKey() + ":reply:" + replies++);
  }

  @Override
  public SessionControl session() {
    return this;
  }

  @Override
  public GatewayControl gateway() {
    return gateway;
  }

  @Override
  public CommandTable commands() {
    return commands;
  }

  @Override
  public String key() {
    return key.toString();
  }

  @Override
  public boolean turnRunning() {
    return dispatcher.turnRunning(key);
  }

  @Override
  public int queuedMessages() {
    return dispatcher.queuedMessages(key);
  }

  @Override
  public int stop() {
    return dispatcher.stopSession(key);
  }

  @Override
  public String newConversation() {
    return key + "#" + dispatcher.newConversation(key);
  }
}
