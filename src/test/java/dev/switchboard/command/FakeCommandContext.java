package dev.switchboard.command;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A command's surroundings, recording replies and every call made on the session and gateway. */
final class FakeCommandContext implements CommandContext {
  final InboundMessage message;
  final String arguments;
  final CommandTable commands;
  final List<String> replies = new ArrayList<>();
  final FakeSession session = new FakeSession();
  final FakeGateway gateway = new FakeGateway();
  boolean senderIsAdmin;

  FakeCommandContext(String text, String arguments, CommandTable commands) {
    this.message = new InboundMessage(
        ChatRef.of("telegram", "123"),
        "msg-9",
        new Sender("u1", "Ada"),
        text,
        false,
        Instant.parse("2025-01-01T00:00:00Z"));
    this.arguments = arguments;
    this.commands = commands;
  }

  FakeCommandContext() {
    this("/x", "", CommandTable.standard(List.of()));
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
    replies.add(text);
  }

  @Override
  public SessionControl session() {
    return session;
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
  public boolean senderIsAdmin() {
    return senderIsAdmin;
  }

  /** Records calls; answers come from fields the test sets. */
  static final class FakeSession implements SessionControl {
    final List<String> calls = new ArrayList<>();
    String key = "telegram:123";
    boolean turnRunning;
    int queuedMessages;
    int stopResult;

    @Override
    public String key() {
      return key;
    }

    @Override
    public boolean turnRunning() {
      return turnRunning;
    }

    @Override
    public int queuedMessages() {
      return queuedMessages;
    }

    @Override
    public int stop() {
      calls.add("stop");
      return stopResult;
    }

    @Override
    public String newConversation() {
      calls.add("newConversation");
      return "conv-2";
    }

    String model;
    String busyPolicy = "interrupt";
    boolean toolProgress;
    boolean voiceReplies;
    boolean voiceAvailable = true;
    boolean approvalWaiting;
    /** The user text /undo and /retry find; null: nothing to undo. */
    String lastExchange;

    final List<String> submitted = new ArrayList<>();
    Usage conversationUsage = new Usage(0, 0, 0);
    Usage sessionUsage = new Usage(0, 0, 0);

    @Override
    public Optional<String> model() {
      return Optional.ofNullable(model);
    }

    @Override
    public void setModel(String model) {
      calls.add("setModel " + model);
      this.model = model;
    }

    @Override
    public String busyPolicy() {
      return busyPolicy;
    }

    @Override
    public void setBusyPolicy(String policy) {
      calls.add("setBusyPolicy " + policy);
      busyPolicy = policy == null ? "interrupt" : policy;
    }

    @Override
    public boolean toolProgress() {
      return toolProgress;
    }

    @Override
    public void setToolProgress(boolean on) {
      calls.add("setToolProgress " + on);
      toolProgress = on;
    }

    @Override
    public boolean voiceReplies() {
      return voiceReplies;
    }

    @Override
    public boolean voiceRepliesAvailable() {
      return voiceAvailable;
    }

    @Override
    public void setVoiceReplies(boolean on) {
      calls.add("setVoiceReplies " + on);
      voiceReplies = on;
    }

    @Override
    public boolean approvalWaiting() {
      return approvalWaiting;
    }

    @Override
    public boolean answerApproval(boolean approve) {
      calls.add("answerApproval " + approve);
      boolean was = approvalWaiting;
      approvalWaiting = false;
      return was;
    }

    @Override
    public Optional<String> undoLastExchange() {
      calls.add("undoLastExchange");
      Optional<String> out = Optional.ofNullable(lastExchange);
      lastExchange = null;
      return out;
    }

    @Override
    public void submitTurn(String text, boolean alwaysQueue) {
      submitted.add((alwaysQueue ? "queue:" : "turn:") + text);
    }

    @Override
    public Usage conversationUsage() {
      return conversationUsage;
    }

    @Override
    public Usage sessionUsage() {
      return sessionUsage;
    }
  }

  /** Records restart requests; answers come from fields the test sets. */
  static final class FakeGateway implements GatewayControl {
    final List<InboundMessage> restartRequests = new ArrayList<>();
    RestartOutcome outcome = RestartOutcome.ACCEPTED;
    String state = "running";
    Duration uptime = Duration.ofSeconds(42);
    int activeTurns;
    String backend = "echo";
    String version = "1.2.3";

    @Override
    public RestartOutcome requestRestart(InboundMessage requester) {
      restartRequests.add(requester);
      return outcome;
    }

    @Override
    public String state() {
      return state;
    }

    @Override
    public Duration uptime() {
      return uptime;
    }

    @Override
    public int activeTurns() {
      return activeTurns;
    }

    @Override
    public String backend() {
      return backend;
    }

    String defaultModel;
    List<String> models = List.of();

    @Override
    public String defaultModel() {
      return defaultModel;
    }

    @Override
    public List<String> models() {
      return models;
    }

    @Override
    public String version() {
      return version;
    }

    final List<ChatRef> homes = new ArrayList<>();

    @Override
    public void setHome(ChatRef chat) {
      homes.add(chat);
    }

    /** The /cron requests asked, as "admin? arguments". */
    final List<String> cronRequests = new ArrayList<>();

    @Override
    public String cron(InboundMessage from, boolean admin, String arguments) {
      cronRequests.add(admin + " " + arguments);
      return "cron answer";
    }
  }
}
