package dev.switchboard.agent;

/**
 * Asks the person in the chat to allow something the agent wants to do (run a command, write
 * a file). The gateway shows the question in the chat; /approve or /deny answers it, and no
 * answer within the configured time denies it. Called on the turn's thread; it blocks until
 * answered.
 */
@FunctionalInterface
public interface Approver {
  /** The answer. Anything but {@link #APPROVED} means the agent must not go ahead. */
  enum Decision {
    APPROVED,
    DENIED,
    TIMED_OUT,
    CANCELLED
  }

  /** Refuses everything without asking: for turns nobody can answer. */
  Approver DENY_ALL = (title, details) -> Decision.DENIED;

  /**
   * Asks the chat whether the agent may take an action, and waits for the answer.
   *
   * @param title one line: "Run `npm test`", "Edit src/App.java"
   * @param details more lines shown under it, may be empty
   * @return {@link Decision#CANCELLED} when the turn is cancelled while waiting (the thread
   *     may then be interrupted too)
   * @throws InterruptedException when the thread is interrupted for another reason
   */
  Decision ask(String title, String details) throws InterruptedException;
}
