package dev.switchboard.platform.telegram.fake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.ObjectNode;

/** getMe and the command menu: setMyCommands, getMyCommands, deleteMyCommands. */
final class BotMethods {
  private static final int MAX_COMMANDS = 100;
  private static final int MAX_COMMAND_LENGTH = 32;
  private static final int MAX_DESCRIPTION_LENGTH = 256;

  private final TelegramObjects objects;
  private final UserInfo bot;
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock; key: scope and language_code
  private final Map<String, List<BotCommand>> commands = new HashMap<>();

  BotMethods(TelegramObjects objects, UserInfo bot) {
    this.objects = objects;
    this.bot = bot;
  }

  ApiResult getMe(ApiRequest r) {
    ObjectNode me = objects.user(bot);
    me.put("can_join_groups", true);
    me.put("can_read_all_group_messages", false);
    me.put("supports_inline_queries", false);
    me.put("can_connect_to_business", false);
    me.put("has_main_web_app", false);
    return ApiResult.of(me);
  }

  ApiResult setMyCommands(ApiRequest r) {
    JsonNode list = r.nested("commands").orElse(objects.array());
    if (!list.isArray()) {
      throw ApiException.badRequest("can't parse commands JSON object");
    }
    if (list.size() > MAX_COMMANDS) {
      throw ApiException.badRequest("BOT_COMMANDS_TOO_MUCH");
    }
    List<BotCommand> parsed = new ArrayList<>();
    for (JsonNode item : list) {
      parsed.add(
          validated(field(item, "command").strip(), field(item, "description").strip()));
    }
    for (BotCommand c : parsed) {
      // Telegram's server, not the Bot API, rejects the characters, so this comes last
      if (!c.command().matches("[a-z0-9_]+")) {
        throw ApiException.badRequest("BOT_COMMAND_INVALID");
      }
    }
    String key = key(r);
    lock.lock();
    try {
      commands.put(key, List.copyOf(parsed));
    } finally {
      lock.unlock();
    }
    return ApiResult.of(BooleanNode.TRUE);
  }

  private static String field(JsonNode item, String name) {
    if (!item.isObject()) {
      throw ApiException.badRequest("can't parse BotCommand: expected an Object");
    }
    JsonNode value = item.get(name);
    if (value == null) {
      throw ApiException.badRequest("can't parse BotCommand: Can't find field \"" + name + "\"");
    }
    if (!value.isString()) {
      throw ApiException.badRequest(
          "can't parse BotCommand: Field \"" + name + "\" must be of type String");
    }
    return value.stringValue();
  }

  private static BotCommand validated(String command, String description) {
    String name = command.startsWith("/") ? command.substring(1) : command;
    if (name.isEmpty()) {
      throw ApiException.badRequest("command must be non-empty");
    }
    if (name.codePointCount(0, name.length()) > MAX_COMMAND_LENGTH) {
      throw ApiException.badRequest("command length must not exceed " + MAX_COMMAND_LENGTH);
    }
    if (description.isEmpty()) {
      throw ApiException.badRequest("command description must be non-empty");
    }
    if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
      throw ApiException.badRequest(
          "command description length must not exceed " + MAX_DESCRIPTION_LENGTH);
    }
    return new BotCommand(name, description);
  }

  ApiResult getMyCommands(ApiRequest r) {
    ArrayNode result = objects.array();
    for (BotCommand c : commands(key(r))) {
      result.addObject().put("command", c.command()).put("description", c.description());
    }
    return ApiResult.of(result);
  }

  ApiResult deleteMyCommands(ApiRequest r) {
    String key = key(r);
    lock.lock();
    try {
      commands.remove(key);
    } finally {
      lock.unlock();
    }
    return ApiResult.of(BooleanNode.TRUE);
  }

  List<BotCommand> commands(String key) {
    lock.lock();
    try {
      return commands.getOrDefault(key, List.of());
    } finally {
      lock.unlock();
    }
  }

  /** The default scope in every language: what a test usually means by "the menu". */
  static final String DEFAULT_KEY = "default||";

  private static String key(ApiRequest r) {
    JsonNode scope = r.nested("scope").orElse(null);
    String type = scope == null ? "default" : scope.path("type").asString("default");
    String target = scope == null
        ? ""
        : scope.path("chat_id").asString("") + scope.path("user_id").asString("");
    return type + "|" + target + "|" + r.string("language_code").orElse("");
  }
}
