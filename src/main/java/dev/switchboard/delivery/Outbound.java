package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.util.List;

/** Sends to a chat on whichever platform it lives on; the gateway routes by platform name. */
public interface Outbound {
  PlatformLimits limits(String platform);

  MessageRef send(ChatRef chat, String text) throws PlatformException;

  /** See {@link dev.switchboard.platform.PlatformAdapter#send(ChatRef, String, String)}. */
  default MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return send(chat, text);
  }

  /** See {@link dev.switchboard.platform.PlatformAdapter#idempotentSends}. */
  default boolean idempotentSends(String platform) {
    return false;
  }

  /** See {@link dev.switchboard.platform.PlatformAdapter#sendPlain}. */
  default MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    return send(chat, text);
  }

  void edit(MessageRef message, String text) throws PlatformException;

  /** See {@link dev.switchboard.platform.PlatformAdapter#fileLimits}. */
  default FileLimits fileLimits(String platform) {
    return FileLimits.NONE;
  }

  /** See {@link dev.switchboard.platform.PlatformAdapter#sendFile}. */
  default MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    throw new PlatformException(chat.platform() + " does not take files", true);
  }

  /** Shows "typing"; best effort. */
  default void typing(ChatRef chat) throws PlatformException {}

  /** See {@link dev.switchboard.platform.PlatformAdapter#typingMarksRead}. */
  default boolean typingMarksRead(String platform) {
    return false;
  }

  /** The platform's rendering of a reply, or empty for plain text split by the gateway. */
  default List<String> render(String platform, String markdown) {
    return List.of();
  }

  /** See {@link dev.switchboard.platform.PlatformAdapter#replyStarted}. */
  default void replyStarted(ChatRef chat, String inReplyTo) {}

  /** See {@link dev.switchboard.platform.PlatformAdapter#replyGrew}. */
  default void replyGrew(ChatRef chat, String inReplyTo, String delta) {}

  /** See {@link dev.switchboard.platform.PlatformAdapter#replyFinished}. */
  default void replyFinished(ChatRef chat, String inReplyTo, String text) {}

  /** See {@link dev.switchboard.platform.PlatformAdapter#noticeAbout}. */
  default void noticeAbout(ChatRef chat, String inReplyTo, NoticeKind kind, String text) {}
}
