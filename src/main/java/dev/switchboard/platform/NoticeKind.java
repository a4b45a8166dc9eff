package dev.switchboard.platform;

/**
 * What a gateway notice about one message means for the person who sent it. Chat platforms
 * show every notice the same way; a request/response platform (the API) needs to know which
 * one is the answer to its request.
 */
public enum NoticeKind {
  /** The answer to the message: a command's reply, "unknown command", "only an admin can". */
  ANSWER,
  /** The message was not taken and should be sent again later: overloaded, stopping. */
  RETRY_LATER,
  /** The agent asks the sender to allow an action (answered with /approve or /deny). */
  QUESTION,
  /** Information while the message waits or is answered: "queued", "finishing your reply". */
  INFO
}
