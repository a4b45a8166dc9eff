package dev.switchboard.agent;

import java.util.Objects;

/**
 * One earlier message of the conversation, as the agent should see it.
 *
 * @param role {@link #USER} or {@link #ASSISTANT}
 */
public record ChatMessage(String role, String text) {
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(text, "text");
  }
}
