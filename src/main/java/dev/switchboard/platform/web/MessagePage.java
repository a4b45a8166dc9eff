package dev.switchboard.platform.web;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Some of a conversation's messages, oldest first, and the cursor that asks for the ones before
 * them (null when these reach back to the start of the conversation).
 */
record MessagePage(List<WebMessage> messages, @Nullable Long before) {
  MessagePage {
    messages = List.copyOf(messages);
  }
}
