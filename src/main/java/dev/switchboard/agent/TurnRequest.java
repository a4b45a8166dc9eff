package dev.switchboard.agent;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.util.Objects;

/**
 * One agent turn: the user's text and who and where it came from.
 *
 * @param conversationId changes when the user starts a new conversation with /new
 */
public record TurnRequest(String conversationId, ChatRef chat, Sender sender, String text) {
  public TurnRequest {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(text, "text");
  }
}
