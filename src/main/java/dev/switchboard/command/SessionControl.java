package dev.switchboard.command;

/** The commands' view of the session a command was sent in. */
public interface SessionControl {
  /** "telegram:123" or, in a group, "telegram:-100/7@42". */
  String key();

  boolean turnRunning();

  int queuedMessages();

  /** Cancels the running turn and drops queued messages; returns how many of both it touched. */
  int stop();

  /** Starts a new conversation (after stopping any turn); returns the new conversation id. */
  String newConversation();
}
