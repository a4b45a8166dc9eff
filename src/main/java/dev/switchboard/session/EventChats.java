package dev.switchboard.session;

import dev.switchboard.hooks.EventChat;
import dev.switchboard.platform.InboundMessage;

/** Where a message was written, as the hooks' events name it. */
final class EventChats {
  private EventChats() {}

  static EventChat of(InboundMessage m, SessionKey key) {
    return new EventChat(
        m.chat().platform(), m.chat().chatId(), m.chat().threadId(), m.sender().userId(), key.id());
  }
}
