package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Parsed;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BooleanNode;

/** sendMessage, editMessageText and sendChatAction. */
final class MessageMethods {
  private static final Set<String> ACTIONS = Set.of(
      "typing",
      "upload_photo",
      "record_video",
      "upload_video",
      "record_voice",
      "upload_voice",
      "upload_document",
      "choose_sticker",
      "find_location",
      "record_video_note",
      "upload_video_note");

  private final ChatStore store;
  private final FloodControl flood;

  MessageMethods(ChatStore store, FloodControl flood) {
    this.store = store;
    this.flood = flood;
  }

  /** chat_id as a number; "@username" and other text name no chat the fake knows. */
  static long chatId(ApiRequest r) {
    String raw = r.string("chat_id").orElse("").strip();
    if (raw.isEmpty()) {
      throw ApiException.badRequest("chat_id is empty");
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("chat not found");
    }
  }

  private ChatInfo knownChat(long chatId) {
    return store.chat(chatId).orElseThrow(() -> ApiException.badRequest("chat not found"));
  }

  static Integer optionalInt(ApiRequest r, String name) {
    return r.longValue(name).isPresent() && r.longValue(name).getAsLong() != 0
        ? (int) r.longValue(name).getAsLong()
        : null;
  }

  ApiResult sendMessage(ApiRequest r) {
    long chatId = chatId(r);
    String raw = r.string("text").orElse("");
    String parseMode = MessageText.parseMode(r);
    Parsed text = MessageText.visible(raw, parseMode);
    ChatInfo chat = knownChat(chatId);

    Integer replyTo = optionalInt(r, "reply_to_message_id");
    boolean allowWithoutReply = r.bool("allow_sending_without_reply");
    JsonNode reply = r.nested("reply_parameters").orElse(null);
    if (reply != null) {
      if (!reply.isObject()) {
        throw ApiException.badRequest("can't parse reply parameters JSON object");
      }
      JsonNode otherChat = reply.get("chat_id");
      if (otherChat != null && !otherChat.asString().equals(Long.toString(chatId))) {
        // replies across chats exist in Telegram; the fake does not model them
        throw ApiException.badRequest("message to be replied not found");
      }
      replyTo = reply.path("message_id").asInt(0) == 0
          ? null
          : reply.path("message_id").asInt();
      allowWithoutReply = reply.path("allow_sending_without_reply").asBoolean(false);
    }
    JsonNode linkPreview = r.nested("link_preview_options").orElse(null);

    flood.acquire(chatId, chat.isGroup());
    return ApiResult.of(store.send(new ChatStore.Outgoing(
        chatId,
        text,
        raw,
        parseMode,
        optionalInt(r, "message_thread_id"),
        replyTo,
        allowWithoutReply,
        linkPreview)));
  }

  ApiResult editMessageText(ApiRequest r) {
    if (r.has("inline_message_id")) {
      throw ApiException.badRequest("inline messages are not supported by the fake");
    }
    long chatId = chatId(r);
    Integer messageId = optionalInt(r, "message_id");
    if (messageId == null) {
      throw ApiException.badRequest("message identifier is not specified");
    }
    String raw = r.string("text").orElse("");
    String parseMode = MessageText.parseMode(r);
    Parsed text = MessageText.visible(raw, parseMode);
    ChatInfo chat = knownChat(chatId);
    store.checkEdit(chatId, messageId, text);
    flood.acquire(chatId, chat.isGroup());
    return ApiResult.of(store.edit(chatId, messageId, text, raw, parseMode));
  }

  ApiResult sendChatAction(ApiRequest r) {
    long chatId = chatId(r);
    if (!ACTIONS.contains(r.string("action").orElse(""))) {
      throw ApiException.badRequest("wrong parameter action in request");
    }
    knownChat(chatId);
    return ApiResult.of(BooleanNode.TRUE);
  }
}
