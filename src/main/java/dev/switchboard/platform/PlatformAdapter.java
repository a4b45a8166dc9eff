package dev.switchboard.platform;

import java.io.InputStream;
import java.util.List;

/**
 * Speaks one platform's wire protocol. It knows nothing of sessions or agents: it turns inbound
 * events into {@link InboundMessage}s and sends or edits text on request.
 *
 * <p>The gateway bounds {@link #connect} and {@link #disconnect} with timeouts and interrupts
 * them when they overrun, so an adapter must return promptly when interrupted. A connect that
 * fails (or times out) is followed by a disconnect and, later, another connect. {@link #send}
 * and {@link #edit} may be called from many threads at once.
 */
public interface PlatformAdapter {
  /** The platform's name as used in configuration and state: "telegram". */
  String name();

  PlatformLimits limits();

  /**
   * Connects, verifies credentials, and starts receiving: inbound messages go to {@code
   * inbound}, background loops run through {@code context}. Returns once connected.
   */
  void connect(InboundHandler inbound, PlatformContext context) throws Exception;

  /**
   * Stops receiving and closes connections; the loops spawned in connect are also interrupted.
   * Not the end of the adapter: the gateway connects it again after a connect that failed or a
   * loop that ended (it keeps platforms connected for as long as it runs), so what lives as
   * long as the adapter (an HTTP client that sends use too) is released in {@link #close}.
   */
  void disconnect() throws Exception;

  /** Frees what lives as long as the adapter; called once, at the stop, after the disconnect. */
  default void close() throws Exception {}

  /** Sends a new message and returns its reference. */
  MessageRef send(ChatRef chat, String text) throws PlatformException;

  /**
   * Sends a new message that {@code idempotencyKey} identifies: a platform whose sends can be
   * made idempotent ({@link #idempotentSends}) makes no second message for a key it has seen.
   * Others send as {@link #send(ChatRef, String)} does.
   */
  default MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return send(chat, text);
  }

  /**
   * True when {@link #send(ChatRef, String, String)} with a key sent before cannot make a second
   * message (Discord's enforced nonce): a send whose outcome a crash made unknown is then sent
   * again as it was, instead of marked as a resend.
   */
  default boolean idempotentSends() {
    return false;
  }

  /**
   * Sends {@code text}, one of {@link #render}'s messages or a piece of one, without its markup:
   * the last form the gateway tries after the platform refused it as rendered (Telegram: its
   * visible text, no parse mode; Slack: mrkdwn off). Never idempotent. A platform with no markup
   * to switch off sends it as {@link #send(ChatRef, String)} does.
   */
  default MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    return send(chat, text);
  }

  /**
   * The bytes of an attachment this adapter described in an inbound message, as a stream the
   * caller reads and closes. A file the platform will not hand out (too big for its API, gone)
   * is a {@link PlatformException} whose message says why in words a user understands.
   */
  default InputStream download(Attachment attachment) throws PlatformException {
    throw new PlatformException(name() + " does not pass files on", true);
  }

  /** What files this platform takes and hands out; {@link FileLimits#NONE} for text only. */
  default FileLimits fileLimits() {
    return FileLimits.NONE;
  }

  /**
   * Sends a file (with its caption) as the platform's own kind of attachment and returns the
   * message it made. Only called for a file within {@link #fileLimits()}.
   */
  default MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    throw new PlatformException(name() + " does not take files", true);
  }

  /** Replaces the text of a message this adapter sent. */
  void edit(MessageRef message, String text) throws PlatformException;

  /** Shows that a reply is being written (Telegram's "typing…"); a no-op where unsupported. */
  default void typing(ChatRef chat) throws PlatformException {}

  /**
   * Whether {@link #typing} also tells the sender their message was read (WhatsApp's typing
   * indicator is part of its read receipt). Such a platform's indicator goes at once, not after
   * {@code agent.typing_delay}: a fast answer must not leave the message unread.
   */
  default boolean typingMarksRead() {
    return false;
  }

  /**
   * Turns a reply (Markdown, as agents write) into the texts of the messages to send, each
   * within the platform's limits and in its own markup. Empty means "plain text, split by the
   * gateway's generic chunker".
   */
  default List<String> render(String markdown) {
    return List.of();
  }

  /**
   * False for a platform whose asker waits on a connection (the API): a message the previous
   * process left unanswered is then closed at start rather than answered to no one.
   */
  default boolean answersAfterRestart() {
    return true;
  }

  /**
   * The agent starts answering message {@code inReplyTo} in {@code chat}. With the two calls
   * below this lets a request/response platform (the OpenAI-compatible API) stream a reply and
   * know when it is complete; chat platforms show replies through send and edit and ignore all
   * three. Called on the turn's thread: return quickly, never throw.
   */
  default void replyStarted(ChatRef chat, String inReplyTo) {}

  /** More of the agent's own text, as it arrives: not throttled, without tool progress. */
  default void replyGrew(ChatRef chat, String inReplyTo, String delta) {}

  /** The reply is complete: {@code text} is all of it, as the agent wrote it (Markdown). */
  default void replyFinished(ChatRef chat, String inReplyTo, String text) {}

  /**
   * The gateway is about to send {@code text} as a notice about message {@code inReplyTo}
   * (which is also sent as a message, as every notice is). Called once per notice, before the
   * send; chat platforms ignore it.
   */
  default void noticeAbout(ChatRef chat, String inReplyTo, NoticeKind kind, String text) {}
}
