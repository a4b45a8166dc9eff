package dev.switchboard.session;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.command.CommandContext;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.command.SessionControl;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.store.Conversations;
import java.util.Locale;
import java.util.Optional;

/** What one command invocation sees: its message, its session, the gateway. */
final class SessionCommandContext implements CommandContext, SessionControl {
  private final Dispatcher dispatcher;
  private final InboundMessage message;
  private final String arguments;
  private final SessionKey key;
  private final GatewayControl gateway;
  private final CommandTable commands;
  private int replies;
  private boolean turnSubmitted;

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
    dispatcher.noticeLater(message, NoticeKind.ANSWER, text,
        message.dedupeKey() + ":reply:" + replies++);
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

  boolean turnSubmitted() {
    return turnSubmitted;
  }

  private Conversations conversations() {
    return dispatcher.conversations();
  }

  @Override
  public Optional<String> model() {
    return conversations().setting(key.toString(), SessionSettings.MODEL);
  }

  @Override
  public void setModel(String model) {
    conversations().setSetting(key.toString(), SessionSettings.MODEL, model);
  }

  @Override
  public String busyPolicy() {
    return dispatcher.busyPolicy(key).name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void setBusyPolicy(String policy) {
    if (policy == null) {
      dispatcher.setBusyPolicy(key, null);
      return;
    }
    dispatcher.setBusyPolicy(key, Dispatcher.parseBusyPolicy(policy).orElseThrow(() ->
        new IllegalArgumentException("busy policy must be interrupt or queue: " + policy)));
  }

  @Override
  public boolean toolProgress() {
    return SessionSettings.toolProgress(conversations().setting(key.toString(),
        SessionSettings.TOOLS).orElse(null), dispatcher.defaultToolProgress());
  }

  @Override
  public void setToolProgress(boolean on) {
    conversations().setSetting(key.toString(), SessionSettings.TOOLS,
        on ? SessionSettings.ON : SessionSettings.OFF);
  }

  @Override
  public boolean approvalWaiting() {
    return dispatcher.approvalWaiting(key);
  }

  @Override
  public boolean senderIsAdmin() {
    return dispatcher.isAdmin(message);
  }

  @Override
  public boolean answerApproval(boolean approve) {
    return dispatcher.answerApproval(key, approve ? Approver.Decision.APPROVED
        : Approver.Decision.DENIED);
  }

  @Override
  public Optional<String> undoLastExchange() {
    String session = key.toString();
    int generation = conversations().generation(session);
    return conversations().hideLastExchange(session, generation, message.dedupeKey()).stream()
        .filter(l -> l.role().equals(ChatMessage.USER)).map(Conversations.Line::text)
        .findFirst();
  }

  @Override
  public void submitTurn(String text, boolean alwaysQueue) {
    turnSubmitted = true;
    dispatcher.enqueueTurn(new InboundMessage(message.chat(), message.messageId(),
        message.sender(), text, message.group(), message.receivedAt()), alwaysQueue);
  }

  @Override
  public Usage conversationUsage() {
    String session = key.toString();
    return usage(conversations().usage(session, conversations().generation(session)));
  }

  @Override
  public Usage sessionUsage() {
    return usage(conversations().totalUsage(key.toString()));
  }

  private static Usage usage(Conversations.Usage u) {
    return new Usage(u.turns(), u.tokensIn(), u.tokensOut());
  }
}
