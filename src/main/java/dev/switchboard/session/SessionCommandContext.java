package dev.switchboard.session;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.command.CommandContext;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.command.SessionControl;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.store.Conversations;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one command invocation sees: its message, its session, the gateway. */
final class SessionCommandContext implements CommandContext, SessionControl {
  private static final Logger log = LoggerFactory.getLogger(SessionCommandContext.class);

  private final CommandScope scope;
  private final SessionLanes lanes;
  private final InboundMessage message;
  private final String arguments;
  private final SessionKey key;
  private int replies;
  private boolean turnSubmitted;

  SessionCommandContext(
      CommandScope scope,
      SessionLanes lanes,
      InboundMessage message,
      String arguments,
      SessionKey key) {
    this.scope = scope;
    this.lanes = lanes;
    this.message = message;
    this.arguments = arguments;
    this.key = key;
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
    scope
        .notices()
        .about(
            message,
            NoticeKind.ANSWER,
            text,
            OutboxKeys.commandReply(message.dedupeKey(), replies++));
  }

  @Override
  public SessionControl session() {
    return this;
  }

  @Override
  public GatewayControl gateway() {
    return scope.setup().gateway();
  }

  @Override
  public CommandTable commands() {
    return scope.setup().commands();
  }

  @Override
  public String key() {
    return key.id();
  }

  @Override
  public boolean turnRunning() {
    return lanes.turnRunning(key);
  }

  @Override
  public int queuedMessages() {
    return lanes.queuedMessages(key);
  }

  @Override
  public int stop() {
    return lanes.stopSession(key);
  }

  @Override
  public String newConversation() {
    lanes.stopSession(key);
    String ended = key.id() + "#" + conversations().generation(key.id());
    int next = conversations().startNew(key.id());
    // may stop an agent process: not on the loop's thread
    scope.notices().runAside("end " + ended, () -> {
      try {
        scope.backend().conversationEnded(ended);
      } catch (RuntimeException e) {
        log.warn("the agent backend failed to end conversation {}", ended, e);
      }
    });
    return key.id() + "#" + next;
  }

  boolean turnSubmitted() {
    return turnSubmitted;
  }

  private Conversations conversations() {
    return scope.conversations();
  }

  @Override
  public Optional<String> model() {
    return conversations().setting(key.id(), SessionSettings.MODEL);
  }

  @Override
  public void setModel(@Nullable String model) {
    conversations().setSetting(key.id(), SessionSettings.MODEL, model);
  }

  @Override
  public String busyPolicy() {
    return scope.busyPolicies().of(key).name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void setBusyPolicy(@Nullable String policy) {
    if (policy == null) {
      scope.busyPolicies().set(key, null);
      return;
    }
    scope
        .busyPolicies()
        .set(
            key,
            BusyPolicies.parse(policy)
                .orElseThrow(() -> new IllegalArgumentException(
                    "busy policy must be interrupt or queue: " + policy)));
  }

  @Override
  public boolean toolProgress() {
    return SessionSettings.toolProgress(
        conversations().setting(key.id(), SessionSettings.TOOLS).orElse(null),
        scope.defaultToolProgress());
  }

  @Override
  public void setToolProgress(boolean on) {
    conversations()
        .setSetting(key.id(), SessionSettings.TOOLS, on ? SessionSettings.ON : SessionSettings.OFF);
  }

  @Override
  public boolean voiceReplies() {
    return SessionSettings.ON.equals(
        conversations().setting(key.id(), SessionSettings.VOICE).orElse(null));
  }

  @Override
  public boolean voiceRepliesAvailable() {
    return scope.voiceAvailable();
  }

  @Override
  public void setVoiceReplies(boolean on) {
    conversations()
        .setSetting(key.id(), SessionSettings.VOICE, on ? SessionSettings.ON : SessionSettings.OFF);
  }

  @Override
  public boolean approvalWaiting() {
    return scope.approvals().waiting(key.id());
  }

  @Override
  public boolean senderIsAdmin() {
    return scope.setup().isAdmin().test(message);
  }

  @Override
  public boolean answerApproval(boolean approve) {
    return scope
        .approvals()
        .answer(key.id(), approve ? Approver.Decision.APPROVED : Approver.Decision.DENIED);
  }

  @Override
  public Optional<String> undoLastExchange() {
    String session = key.id();
    int generation = conversations().generation(session);
    return conversations().hideLastExchange(session, generation, message.dedupeKey()).stream()
        .filter(l -> l.role().equals(ChatMessage.USER))
        .map(Conversations.Line::text)
        .findFirst();
  }

  @Override
  public void submitTurn(String text, boolean alwaysQueue) {
    turnSubmitted = true;
    lanes.enqueueTurn(
        new InboundMessage(
            message.chat(),
            message.messageId(),
            message.sender(),
            text,
            message.group(),
            message.receivedAt()),
        alwaysQueue);
  }

  @Override
  public Usage conversationUsage() {
    String session = key.id();
    return usage(conversations().usage(session, conversations().generation(session)));
  }

  @Override
  public Usage sessionUsage() {
    return usage(conversations().totalUsage(key.id()));
  }

  private static Usage usage(Conversations.Usage u) {
    return new Usage(u.turns(), u.tokensIn(), u.tokensOut());
  }
}
