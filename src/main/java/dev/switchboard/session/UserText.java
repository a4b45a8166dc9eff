package dev.switchboard.session;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.InboundMessage;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a user's message says in the conversation's transcript and to the agent: its text, then
 * one line for each file that came with it ("[image: photo.jpg]"), so that later turns, which
 * carry text alone, still know a file was sent. The transcript's form depends only on the
 * message, so a turn run again after a restart recognises its question there.
 */
final class UserText {
  private UserText() {}

  /** The transcript's form. */
  static String of(InboundMessage m) {
    return with(m, Map.of());
  }

  /** The agent's form: files left out say why, so it does not answer as if it had them. */
  static String forAgent(InboundMessage m, Map<Attachment, String> leftOut) {
    return with(m, leftOut);
  }

  private static String with(InboundMessage m, Map<Attachment, String> leftOut) {
    if (m.attachments().isEmpty()) {
      return m.text();
    }
    StringBuilder s = new StringBuilder(m.text());
    for (Attachment a : m.attachments()) {
      if (!s.isEmpty()) {
        s.append('\n');
      }
      s.append('[').append(a.kind().word());
      if (a.fileName() != null && !a.fileName().isBlank()) {
        s.append(": ").append(a.fileName());
      }
      @Nullable String why = leftOut.get(a);
      if (why != null) {
        s.append(" \u2014 not passed on: ").append(why);
      }
      s.append(']');
    }
    return s.toString();
  }
}
