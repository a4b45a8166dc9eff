package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import java.util.List;
import java.util.function.LongFunction;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON shapes of Bot API User, Chat and MessageEntity objects. */
final class TelegramObjects {
  private final JsonMapper json;

  TelegramObjects(JsonMapper json) {
    this.json = json;
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  ArrayNode array() {
    return json.createArrayNode();
  }

  ObjectNode user(UserInfo u) {
    ObjectNode o = json.createObjectNode();
    o.put("id", u.id());
    o.put("is_bot", u.isBot());
    o.put("first_name", u.firstName());
    putIfPresent(o, "last_name", u.lastName());
    putIfPresent(o, "username", u.username());
    putIfPresent(o, "language_code", u.languageCode());
    return o;
  }

  ObjectNode chat(ChatInfo c) {
    ObjectNode o = json.createObjectNode();
    o.put("id", c.id());
    o.put("type", c.type());
    putIfPresent(o, "title", c.title());
    putIfPresent(o, "username", c.username());
    putIfPresent(o, "first_name", c.firstName());
    putIfPresent(o, "last_name", c.lastName());
    if (c.isForum()) {
      o.put("is_forum", true);
    }
    return o;
  }

  /** MessageEntity objects; text_mention users are looked up with {@code users}. */
  ArrayNode entities(List<Entity> entities, LongFunction<UserInfo> users) {
    ArrayNode a = json.createArrayNode();
    for (Entity e : entities) {
      ObjectNode o = a.addObject();
      o.put("offset", e.offset());
      o.put("length", e.length());
      o.put("type", e.type());
      putIfPresent(o, "url", e.url());
      putIfPresent(o, "language", e.language());
      putIfPresent(o, "custom_emoji_id", e.customEmojiId());
      if (e.userId() != null) {
        o.set("user", user(users.apply(e.userId())));
      }
    }
    return a;
  }

  private static void putIfPresent(ObjectNode o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }
}
