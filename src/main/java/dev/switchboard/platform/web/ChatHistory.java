package dev.switchboard.platform.web;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the web page shows: the conversations and their messages. A gateway alone keeps them in
 * its state directory ({@link ChatLogs}); gateways that share a store keep them there ({@link
 * SharedChatHistory}), so that the one that takes over shows the same conversations. Failures to
 * read or write come out as {@link java.io.UncheckedIOException}.
 */
interface ChatHistory {
  /** Reads the list of conversations (not their messages). */
  void load() throws IOException;

  /** The conversations, the most recently changed first. */
  List<ChatSummary> list();

  ChatSummary create();

  boolean exists(String chatId);

  /** Whether {@code messageId} is among the messages of {@code chatId}. */
  boolean has(String chatId, String messageId);

  /**
   * Records a new message; a chat the page never created (a reply to a conversation that was
   * removed) is created. Returns the title when it changed.
   */
  Optional<ChatSummary> add(String chatId, WebMessage message);

  /**
   * Records the new text of message {@code messageId}, kept in memory only when {@code
   * inMemory} (a reply's growing text, written by {@link #flush}). Returns the message as
   * stored (its role and time those it was first shown with), or empty when there is no such
   * conversation or message.
   */
  Optional<WebMessage> edit(
      String chatId,
      String messageId,
      String text,
      WebMessage.Markup markup,
      Instant at,
      boolean inMemory);

  /**
   * The {@code limit} newest messages of {@code chatId} before {@code cursor} (the newest of
   * all when null), or empty when there is no such conversation.
   *
   * @throws IllegalArgumentException for a cursor that is not one of this conversation
   */
  Optional<MessagePage> page(String chatId, @Nullable Long cursor, int limit);

  /** Writes what {@code chatId} kept in memory only. */
  void flush(String chatId);

  /** Writes what every chat kept in memory only (the gateway is stopping). */
  void flushAll();
}
