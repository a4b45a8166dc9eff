package dev.switchboard.agent;

import org.jspecify.annotations.Nullable;

/**
 * A turn that failed. {@link #userMessage()} is what the chat sees: plain, actionable, and free
 * of credentials and stack traces.
 */
public class AgentException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String userMessage;

  public AgentException(String userMessage, @Nullable String detail, @Nullable Throwable cause) {
    super(detail, cause);
    this.userMessage = userMessage;
  }

  public String userMessage() {
    return userMessage;
  }
}
