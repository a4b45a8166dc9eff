package dev.switchboard.platform.signal;

import java.util.Optional;

/**
 * How an inbound attachment is found again: signal-cli's attachment id (the name of the file it
 * stored, without a slash) after the chat it came in, which getAttachment takes as the sender
 * or group. Kept in {@link dev.switchboard.platform.Attachment#ref}, so it outlives a restart.
 */
record AttachmentRef(String chatId, String id) {
  static String of(String chatId, String id) {
    return chatId + "/" + id;
  }

  static Optional<AttachmentRef> parse(String ref) {
    int slash = ref.lastIndexOf('/');
    if (slash <= 0 || slash == ref.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new AttachmentRef(ref.substring(0, slash), ref.substring(slash + 1)));
  }
}
