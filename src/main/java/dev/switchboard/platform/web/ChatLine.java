package dev.switchboard.platform.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One line of a conversation's file: {@code {"type":"created","at":…}} first, then one {@code
 * {"type":"message","id":…,"role":…,"text":…,"at":…}} per new message or new text of one. The
 * last line of an id holds its text; every line of an id carries the role and time of its first.
 * A line whose text is a reply rendered as HTML says so with {@code "format":"html"}; a line
 * without it (every line written before replies were rendered) is text.
 */
final class ChatLine {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ChatLine() {}

  /** A line that could be read: its time, and the message if it is a message line. */
  record Parsed(Instant at, @Nullable WebMessage message) {}

  static boolean blank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * The line read, or null when it is damaged (cut off by a crash or a full disk, or not JSON).
   * What cannot be decoded as UTF-8 is replaced, so a character cut in half spoils one line only.
   */
  static @Nullable Parsed parse(byte[] line) {
    try {
      JsonNode n = JSON.readTree(new String(line, StandardCharsets.UTF_8));
      Instant at = Instant.parse(n.path("at").asString());
      if (!"message".equals(n.path("type").asString())) {
        return new Parsed(at, null);
      }
      String id = n.path("id").asString();
      return new Parsed(
          at,
          new WebMessage(
              id,
              n.path("role").asString(),
              n.path("text").asString(),
              WebMessage.Markup.of(n.path("format").asString()),
              at));
    } catch (RuntimeException e) { // JacksonException, a bad instant
      return null;
    }
  }

  static String created(Instant at) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "created");
    n.put("at", at.toString());
    return JSON.writeValueAsString(n) + "\n";
  }

  static String message(WebMessage m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "message");
    n.put("id", m.id());
    n.put("role", m.role());
    n.put("text", m.text());
    if (m.markup() == WebMessage.Markup.HTML) {
      n.put("format", m.markup().wire);
    }
    n.put("at", m.at().toString());
    return JSON.writeValueAsString(n) + "\n";
  }
}
