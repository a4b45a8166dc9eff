package dev.switchboard.platform.whatsapp;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Turns a Cloud API webhook delivery ({@code {"object": "whatsapp_business_account", "entry":
 * [{"changes": [{"field": "messages", "value": {...}}]}]}}) into messages and statuses. Text,
 * media (image, audio, voice notes, video, document, sticker; a caption is the text), a
 * location, a reply button or list pick, and a template's quick-reply button become messages;
 * reactions and every other type are skipped with a debug line. Changes for another phone
 * number of the same business account are skipped too: we could not answer from it.
 *
 * <p>Never throws, whatever the delivery holds: only the defaulting accessors are read, and a
 * message without an id or a sender is nothing.
 */
final class NotificationParser {
  private static final Logger log = LoggerFactory.getLogger(NotificationParser.class);
  /** The last second of the year 9999: a timestamp beyond it is not one Meta sent. */
  private static final long LAST_DATE = 253_402_300_799L;

  private final String phoneNumberId;

  NotificationParser(String phoneNumberId) {
    this.phoneNumberId = phoneNumberId;
  }

  Notification parse(JsonNode root) {
    List<InboundMessage> messages = new ArrayList<>();
    List<Notification.Status> statuses = new ArrayList<>();
    if (!"whatsapp_business_account".equals(root.path("object").asString(""))) {
      log.debug("whatsapp webhook: not a WhatsApp Business Account object; ignored");
      return new Notification(messages, statuses);
    }
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        if (!"messages".equals(change.path("field").asString(""))) {
          log.debug(
              "whatsapp webhook: ignoring a '{}' change", change.path("field").asString(""));
          continue;
        }
        JsonNode value = change.path("value");
        String to = value.path("metadata").path("phone_number_id").asString("");
        if (!to.isEmpty() && !to.equals(phoneNumberId)) {
          log.debug("whatsapp webhook: ignoring a change for another phone number id {}", to);
          continue;
        }
        Map<String, String> names = new HashMap<>();
        for (JsonNode contact : value.path("contacts")) {
          String name = contact.path("profile").path("name").asString("");
          if (!name.isBlank()) {
            names.put(contact.path("wa_id").asString(""), name);
          }
        }
        for (JsonNode message : value.path("messages")) {
          InboundMessage m = message(message, names);
          if (m != null) {
            messages.add(m);
          }
        }
        for (JsonNode status : value.path("statuses")) {
          Notification.Status s = status(status);
          if (s != null) {
            statuses.add(s);
          }
        }
        for (JsonNode error : value.path("errors")) {
          log.warn("whatsapp webhook: Meta reported an error: {}", error(error));
        }
      }
    }
    return new Notification(messages, statuses);
  }

  private @Nullable InboundMessage message(JsonNode message, Map<String, String> names) {
    String id = message.path("id").asString("");
    String from = message.path("from").asString("");
    String type = message.path("type").asString("");
    if (id.isEmpty() || from.isEmpty()) {
      return null;
    }
    String text;
    List<Attachment> files = List.of();
    switch (type) {
      case "text" -> text = message.path("text").path("body").asString("");
      case "image", "video", "audio", "document", "sticker" -> {
        JsonNode media = message.path(type);
        String mediaId = media.path("id").asString("");
        if (mediaId.isBlank()) {
          return null;
        }
        text = media.path("caption").asString("");
        files = List.of(attachment(type, media, mediaId));
      }
      case "location" -> text = location(message.path("location"));
      case "interactive" -> text = interactive(message.path("interactive"));
      case "button" -> {
        JsonNode button = message.path("button");
        text = button.path("text").asString(button.path("payload").asString(""));
      }
      case "reaction" -> {
        log.debug("whatsapp: ignoring a reaction from {}", from);
        return null;
      }
      default -> {
        log.debug("whatsapp: ignoring a message of type '{}' from {}", type, from);
        return null;
      }
    }
    if (text.isBlank() && files.isEmpty()) {
      return null;
    }
    long seconds = parseLong(message.path("timestamp").asString(""));
    String groupId = message.path("group_id").asString("");
    return new InboundMessage(
        Recipients.chat(from, groupId),
        id,
        new Sender(from, names.get(from)),
        text,
        !groupId.isEmpty(),
        Instant.ofEpochSecond(seconds < 0 || seconds > LAST_DATE ? 0 : seconds),
        files);
  }

  private static Attachment attachment(String type, JsonNode media, String mediaId) {
    String mime = media.path("mime_type").asString("").toLowerCase(Locale.ROOT).strip();
    AttachmentKind kind = switch (type) {
      case "image" -> AttachmentKind.IMAGE;
      case "video" -> AttachmentKind.VIDEO;
      case "audio" ->
        media.path("voice").asBoolean(false) ? AttachmentKind.VOICE : AttachmentKind.AUDIO;
      case "sticker" -> AttachmentKind.STICKER;
      default -> AttachmentKind.DOCUMENT;
    };
    String fileName = media.path("filename").asString(null);
    return new Attachment(
        kind, mime.isEmpty() ? Attachment.UNKNOWN_TYPE : mime, -1, fileName, mediaId);
  }

  /** "Location: Name, Address (52.520008, 13.404954)", as much of it as was sent. */
  private static String location(JsonNode location) {
    String lat = location.path("latitude").asString("");
    String lon = location.path("longitude").asString("");
    List<String> parts = new ArrayList<>();
    for (String field : List.of("name", "address")) {
      String v = location.path(field).asString("");
      if (!v.isBlank()) {
        parts.add(v.strip());
      }
    }
    StringBuilder out = new StringBuilder("Location: ");
    out.append(String.join(", ", parts));
    if (!lat.isEmpty() && !lon.isEmpty()) {
      out.append(parts.isEmpty() ? "" : " ")
          .append('(')
          .append(lat)
          .append(", ")
          .append(lon)
          .append(')');
    }
    String url = location.path("url").asString("");
    if (!url.isBlank()) {
      out.append(' ').append(url.strip());
    }
    return parts.isEmpty() && lat.isEmpty() ? "" : out.toString();
  }

  /** A reply button's or list row's title: what the user saw and tapped. */
  private static String interactive(JsonNode interactive) {
    String type = interactive.path("type").asString("");
    JsonNode reply = interactive.path(type);
    if (!"button_reply".equals(type) && !"list_reply".equals(type)) {
      log.debug("whatsapp: ignoring an interactive message of type '{}'", type);
      return "";
    }
    String title = reply.path("title").asString(reply.path("id").asString(""));
    String description = reply.path("description").asString("");
    return description.isBlank() ? title : title + " (" + description + ")";
  }

  private static Notification.@Nullable Status status(JsonNode status) {
    String id = status.path("id").asString("");
    String state = status.path("status").asString("");
    if (id.isEmpty() || state.isEmpty()) {
      return null;
    }
    List<Notification.StatusError> errors = new ArrayList<>();
    for (JsonNode e : status.path("errors")) {
      errors.add(error(e));
    }
    return new Notification.Status(id, state, status.path("recipient_id").asString(""), errors);
  }

  private static Notification.StatusError error(JsonNode e) {
    String title = e.path("title").asString(e.path("message").asString(""));
    return new Notification.StatusError(
        e.path("code").asInt(0), title, e.path("error_data").path("details").asString(""));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
