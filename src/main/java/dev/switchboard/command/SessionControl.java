package dev.switchboard.command;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The commands' view of the session a command was sent in. */
public interface SessionControl {
  /** Tokens a conversation (or all of a session's) cost, as far as the backend reported. */
  record Usage(long turns, long tokensIn, long tokensOut) {}

  /** "telegram:123" or, in a group, "telegram:-100/7@42". */
  String key();

  boolean turnRunning();

  int queuedMessages();

  /** Cancels the running turn and drops queued messages; returns how many of both it touched. */
  int stop();

  /** Starts a new conversation (after stopping any turn); returns the new conversation id. */
  String newConversation();

  /** The model this session chose with /model, if it chose one. */
  Optional<String> model();

  /** Chooses the session's model; null goes back to the configured one. */
  void setModel(@Nullable String model);

  /** "interrupt" or "queue": what a message does while a turn runs in this session. */
  String busyPolicy();

  /** Sets the session's busy policy ("interrupt", "queue"); null goes back to the default. */
  void setBusyPolicy(@Nullable String policy);

  /** Whether the agent's tool calls are shown while a turn runs in this session. */
  boolean toolProgress();

  void setToolProgress(boolean on);

  /** Whether replies are also sent as voice notes in this session. */
  boolean voiceReplies();

  /** Whether replies can be spoken at all (a speech endpoint is set up). */
  boolean voiceRepliesAvailable();

  void setVoiceReplies(boolean on);

  /** Whether the agent waits for /approve or /deny in this session. */
  boolean approvalWaiting();

  /** Answers the agent's waiting permission question; false when none was waiting. */
  boolean answerApproval(boolean approve);

  /**
   * Hides the conversation's last exchange from the agent (the transcript keeps it, marked).
   * Running this command again after a crash hides nothing more.
   *
   * @return the user's text of the hidden exchange; empty when there was none
   */
  Optional<String> undoLastExchange();

  /**
   * Runs {@code text} as an agent turn in this session, in place of the command's own message
   * (its journal entry follows the turn). With {@code alwaysQueue} it waits behind a running
   * turn whatever the busy policy.
   */
  void submitTurn(String text, boolean alwaysQueue);

  /** Tokens of the current conversation. */
  Usage conversationUsage();

  /** Tokens of all of the session's conversations. */
  Usage sessionUsage();
}
