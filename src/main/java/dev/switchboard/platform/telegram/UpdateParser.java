package dev.switchboard.platform.telegram;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a Bot API Update into an {@link InboundMessage}, or nothing when the update is not for
 * the agent: neither text nor a file ({@link MessageFiles}), a group message that neither
 * mentions nor replies to the bot (with group_trigger mention), or a command addressed to another
 * bot. A file's caption is the message's text (its entities count as the text's), and a file
 * without one is a message with empty text. "@ourbot" is removed from commands and mentions, so
 * "/status@ourbot" reads as "/status".
 *
 * <p>Never throws, whatever the update holds: a field of the wrong type reads as absent (only
 * the defaulting {@code as...(default)} accessors are used, which cannot fail), and an update
 * without a chat, a sender or a message id is nothing. An exception here would leave the
 * update unconfirmed, so every later poll would fetch it again and stall the bot behind it.
 */
final class UpdateParser {
  /** The last second of the year 9999: a date beyond it is not one Telegram sent. */
  private static final long LAST_DATE = 253_402_300_799L;

  private final BotIdentity bot;
  private final TelegramSettings.GroupTrigger trigger;
  /** "@ourbot" in any case, as a word: compiled once, not for every message. */
  private final Pattern ourName;

  UpdateParser(BotIdentity bot, TelegramSettings.GroupTrigger trigger) {
    this.bot = bot;
    this.trigger = trigger;
    this.ourName = Pattern.compile("(?i)@" + Pattern.quote(bot.username()) + "\\b");
  }

  Optional<InboundMessage> parse(JsonNode update) {
    JsonNode message = update.path("message");
    if (!message.isObject()) {
      return Optional.empty(); // edits, channel posts, callbacks: not asked for, not handled
    }
    String given = message.has("text")
        ? message.path("text").asString(null)
        : message.path("caption").asString(null);
    String text = given == null ? "" : given;
    JsonNode entities =
        message.has("text") ? message.path("entities") : message.path("caption_entities");
    List<Attachment> files = MessageFiles.of(message);
    JsonNode from = message.path("from");
    JsonNode chat = message.path("chat");
    if ((text.isBlank() && files.isEmpty())
        || !from.isObject()
        || from.path("is_bot").asBoolean(false)) {
      return Optional.empty();
    }
    String chatId = chat.path("id").asString("");
    String messageId = message.path("message_id").asString("");
    String senderId = from.path("id").asString("");
    if (chatId.isEmpty() || messageId.isEmpty() || senderId.isEmpty()) {
      return Optional.empty(); // nowhere to answer, or no one to answer
    }
    boolean group = !"private".equals(chat.path("type").asString(""));
    String username = bot.username().toLowerCase(Locale.ROOT);
    Optional<String> command = commandOf(text, entities);
    if (command.isPresent()
        && command.get().contains("@")
        && !command.get().toLowerCase(Locale.ROOT).endsWith("@" + username)) {
      return Optional.empty(); // "/status@otherbot"
    }
    if (group
        && trigger == TelegramSettings.GroupTrigger.MENTION
        && command.isEmpty()
        && !mentionsBot(text, entities)
        && !repliesToBot(message)) {
      return Optional.empty();
    }
    String cleaned = ourName.matcher(text).replaceAll("").strip();
    if (cleaned.isEmpty() && files.isEmpty()) {
      return Optional.empty(); // "@ourbot" alone says nothing; with a file, the file speaks
    }
    String thread = message.path("is_topic_message").asBoolean(false)
        ? message.path("message_thread_id").asString(null)
        : null;
    ChatRef ref = new ChatRef("telegram", chatId, thread);
    long date = message.path("date").asLong(0);
    return Optional.of(new InboundMessage(
        ref,
        messageId,
        new Sender(senderId, displayName(from, senderId)),
        cleaned,
        group,
        Instant.ofEpochSecond(date < 0 || date > LAST_DATE ? 0 : date),
        files));
  }

  private static Optional<String> commandOf(String text, JsonNode entities) {
    for (JsonNode e : entities) {
      if ("bot_command".equals(e.path("type").asString("")) && e.path("offset").asInt(-1) == 0) {
        int length = e.path("length").asInt(0);
        return Optional.of(text.substring(0, Math.clamp(length, 0, text.length())));
      }
    }
    return Optional.empty();
  }

  private boolean mentionsBot(String text, JsonNode entities) {
    for (JsonNode e : entities) {
      String type = e.path("type").asString("");
      if ("mention".equals(type)) {
        int offset = e.path("offset").asInt(-1);
        long end = Math.min(text.length(), (long) offset + e.path("length").asInt(0));
        if (offset >= 0
            && offset < end
            && text.substring(offset, (int) end).equalsIgnoreCase("@" + bot.username())) {
          return true;
        }
      } else if ("text_mention".equals(type) && e.path("user").path("id").asLong(-1) == bot.id()) {
        return true;
      }
    }
    return false;
  }

  private boolean repliesToBot(JsonNode message) {
    return message.path("reply_to_message").path("from").path("id").asLong(-1) == bot.id();
  }

  private static String displayName(JsonNode from, String id) {
    String first = from.path("first_name").asString("");
    String last = from.path("last_name").asString("");
    String name = (first + " " + last).strip();
    if (!name.isEmpty()) {
      return name;
    }
    return from.path("username").asString(id);
  }
}
