package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import java.time.Instant;
import java.util.List;

/**
 * A message the bot sent, as it stands now.
 *
 * @param threadId message_thread_id, null outside forum topics
 * @param text the visible text after parsing and edits
 * @param entities the entities of {@code text}
 * @param parseMode the parse_mode of the latest send or edit, null for none
 * @param editCount successful editMessageText calls
 * @param rawTexts the text parameter of the send and of each successful edit, in order
 * @param replyToMessageId the message it replies to, null for none
 * @param mediaField for a file the bot sent, the Message field that describes it ("photo",
 *     "document", "voice", "audio", "video"), and {@code text} is its caption; null for text
 * @param upload the file as uploaded, null for text
 */
public record BotMessage(
    long chatId,
    int messageId,
    Integer threadId,
    String text,
    List<Entity> entities,
    String parseMode,
    int editCount,
    List<String> rawTexts,
    Integer replyToMessageId,
    Instant sentAt,
    String mediaField,
    Upload upload) {

  public BotMessage {
    entities = List.copyOf(entities);
    rawTexts = List.copyOf(rawTexts);
  }

  /** A text message. */
  public BotMessage(
      long chatId,
      int messageId,
      Integer threadId,
      String text,
      List<Entity> entities,
      String parseMode,
      int editCount,
      List<String> rawTexts,
      Integer replyToMessageId,
      Instant sentAt) {
    this(
        chatId,
        messageId,
        threadId,
        text,
        entities,
        parseMode,
        editCount,
        rawTexts,
        replyToMessageId,
        sentAt,
        null,
        null);
  }
}
