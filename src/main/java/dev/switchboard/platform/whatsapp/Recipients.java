package dev.switchboard.platform.whatsapp;

import dev.switchboard.platform.ChatRef;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chats as the Cloud API names their recipients: a person by their {@code wa_id}, a group
 * (Meta's Groups API; its messages carry a {@code group_id}) by {@code group.} and the group's
 * id, sent to with {@code "recipient_type": "group"}. The prefix cannot be a wa_id, which is
 * digits only.
 */
final class Recipients {
  static final String GROUP_PREFIX = "group.";

  private Recipients() {}

  /** The chat a message from {@code from} is in: its group, if it has one, else the person. */
  static ChatRef chat(String from, @Nullable String groupId) {
    return ChatRef.of(
        WhatsAppAdapter.NAME, groupId == null || groupId.isEmpty() ? from : GROUP_PREFIX + groupId);
  }

  static boolean isGroup(String chatId) {
    return chatId.startsWith(GROUP_PREFIX);
  }

  /** Addresses {@code body} to the chat {@code chatId}. */
  static ObjectNode address(ObjectNode body, String chatId) {
    if (isGroup(chatId)) {
      return body.put("recipient_type", "group").put("to", chatId.substring(GROUP_PREFIX.length()));
    }
    return body.put("recipient_type", "individual").put("to", chatId);
  }
}
