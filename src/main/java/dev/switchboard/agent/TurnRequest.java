package dev.switchboard.agent;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One agent turn: the user's text, who and where it came from, and what came before.
 *
 * @param conversationId changes when the user starts a new conversation with /new
 * @param history the conversation's earlier messages, oldest first, without {@code text}
 * @param model the model chosen for this session with /model, or null for the backend's own
 * @param approver asks the chat to allow an action the agent wants to take
 * @param attachments the files the user sent with {@code text}, in the order they came
 */
public record TurnRequest(
    String conversationId,
    ChatRef chat,
    Sender sender,
    String text,
    List<ChatMessage> history,
    @Nullable String model,
    Approver approver,
    List<TurnAttachment> attachments) {
  public TurnRequest {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(text, "text");
    history = List.copyOf(history);
    Objects.requireNonNull(approver, "approver");
    attachments = List.copyOf(attachments);
  }

  /** A turn of text alone. */
  public TurnRequest(
      String conversationId,
      ChatRef chat,
      Sender sender,
      String text,
      List<ChatMessage> history,
      @Nullable String model,
      Approver approver) {
    this(conversationId, chat, sender, text, history, model, approver, List.of());
  }

  /** A turn without history, model choice or anyone to approve actions. */
  public TurnRequest(String conversationId, ChatRef chat, Sender sender, String text) {
    this(conversationId, chat, sender, text, List.of(), null, Approver.DENY_ALL, List.of());
  }
}
