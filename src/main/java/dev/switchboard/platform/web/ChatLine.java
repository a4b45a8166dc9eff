package dev.switchboard.platform.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One line of a conversation's file: {@code {"type":"created","at":…}} first, then one {@code
 * {"type":"message","id":…,"role":…,"text":…,"at":…}} per new message or new text of one. The
 * last line of an id holds its text; every line of an id carries the role and time of its first.
 * A line whose text is a reply rendered as HTML says so with {@code "format":"html"}; a line
 * without it (every line written before replies were rendered) is text. A message with files
 * lists them as {@code "files":[{"ref":…,"name":…,"type":…,"size":…}]}; a line without the list
 * (every line written before the web chat took files) has none, and a damaged entry is left
 * out rather than spoiling its message.
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
              at,
              files(n.path("files"))));
    } catch (RuntimeException e) { // JacksonException, a bad instant
      return null;
    }
  }

  private static List<WebFile> files(JsonNode list) {
    if (!list.isArray()) {
      return List.of();
    }
    List<WebFile> files = new ArrayList<>();
    for (JsonNode f : list) {
      String ref = f.path("ref").asString("");
      JsonNode size = f.path("size");
      if (WebFile.REF.matcher(ref).matches() && size.canConvertToLong() && size.asLong() >= 0) {
        files.add(new WebFile(
            ref,
            WebFile.cleanName(f.path("name").asString(""), "file"),
            WebFile.recordedType(f.path("type").asString("")),
            size.asLong()));
      }
    }
    return files;
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
    if (!m.files().isEmpty()) {
      ArrayNode files = n.putArray("files");
      for (WebFile f : m.files()) {
        files
            .addObject()
            .put("ref", f.ref())
            .put("name", f.name())
            .put("type", f.type())
            .put("size", f.size());
      }
    }
    n.put("at", m.at().toString());
    return JSON.writeValueAsString(n) + "\n";
  }
}
