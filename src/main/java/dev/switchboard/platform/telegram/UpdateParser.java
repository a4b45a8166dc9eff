package dev.switchboard.platform.telegram;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a Bot API Update into an {@link InboundMessage}, or nothing when the update is not for
 * the agent: not a text message, a group message that neither mentions nor replies to the bot
 * (with group_trigger mention), or a command addressed to another bot. "@ourbot" is removed
 * from commands and mentions, so "/status@ourbot" reads as "/status".
 */
final class UpdateParser {
  private final BotIdentity bot;
  private final TelegramSettings.GroupTrigger trigger;

  UpdateParser(BotIdentity bot, TelegramSettings.GroupTrigger trigger) {
    this.bot = bot;
    this.trigger = trigger;
  }

  Optional<InboundMessage> parse(JsonNode update) {
    JsonNode message = update.path("message");
    if (!message.isObject()) {
      return Optional.empty(); // edits, channel posts, callbacks: not asked for, not handled
    }
    String text = message.has("text")
        ? message.path("text").asString()
        : message.path("caption").asString(null);
    JsonNode entities =
        message.has("text") ? message.path("entities") : message.path("caption_entities");
    JsonNode from = message.path("from");
    JsonNode chat = message.path("chat");
    if (text == null
        || text.isBlank()
        || !from.isObject()
        || from.path("is_bot").asBoolean()) {
      return Optional.empty();
    }
    boolean group = !"private".equals(chat.path("type").asString());
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
    String cleaned =
        text.replaceAll("(?i)@" + Pattern.quote(bot.username()) + "\\b", "").strip();
    if (cleaned.isEmpty()) {
      return Optional.empty();
    }
    String thread = message.path("is_topic_message").asBoolean(false)
        ? message.path("message_thread_id").asString()
        : null;
    ChatRef ref = new ChatRef("telegram", chat.path("id").asString(), thread);
    return Optional.of(new InboundMessage(
        ref,
        message.path("message_id").asString(),
        new Sender(from.path("id").asString(), displayName(from)),
        cleaned,
        group,
        Instant.ofEpochSecond(message.path("date").asLong())));
  }

  private static Optional<String> commandOf(String text, JsonNode entities) {
    for (JsonNode e : entities) {
      if ("bot_command".equals(e.path("type").asString()) && e.path("offset").asInt() == 0) {
        return Optional.of(
            text.substring(0, Math.min(text.length(), e.path("length").asInt())));
      }
    }
    return Optional.empty();
  }

  private boolean mentionsBot(String text, JsonNode entities) {
    for (JsonNode e : entities) {
      String type = e.path("type").asString();
      if ("mention".equals(type)) {
        int offset = e.path("offset").asInt();
        int end = Math.min(text.length(), offset + e.path("length").asInt());
        if (offset < end && text.substring(offset, end).equalsIgnoreCase("@" + bot.username())) {
          return true;
        }
      } else if ("text_mention".equals(type) && e.path("user").path("id").asLong() == bot.id()) {
        return true;
      }
    }
    return false;
  }

  private boolean repliesToBot(JsonNode message) {
    return message.path("reply_to_message").path("from").path("id").asLong(-1) == bot.id();
  }

  private static String displayName(JsonNode from) {
    String first = from.path("first_name").asString("");
    String last = from.path("last_name").asString("");
    String name = (first + " " + last).strip();
    if (!name.isEmpty()) {
      return name;
    }
    return from.path("username").asString(from.path("id").asString());
  }
}
