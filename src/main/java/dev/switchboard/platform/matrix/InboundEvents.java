package dev.switchboard.platform.matrix;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.net.URLConnection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Which timeline events are for the bot: an {@code m.room.message} (text, emote, or an image,
 * file, audio or video with its {@code mxc://} URI) from someone else, in a direct room
 * always, in other rooms when it mentions the bot ({@code m.mentions}, the bot's user id, or its
 * name as a word) or the room is one of the configured ones. Edits ({@code m.replace}), redacted
 * events and notices ({@code m.notice}: the spec's rule against loops, bots never answer them)
 * are not. A reply's quoted fallback ({@code > } lines before the text, which
 * clients before spec v1.13 add) is taken out; a message in a thread ({@code m.thread}) is
 * answered in that thread.
 */
final class InboundEvents {
  private final String botUserId;
  private final Pattern mention;
  private final Set<String> rooms;

  InboundEvents(String botUserId, Set<String> rooms) {
    this.botUserId = botUserId;
    this.rooms = rooms;
    String localpart = botUserId.substring(1, botUserId.indexOf(':'));
    // The user id itself, or the name a client puts in the text for a mention ("switchboard:").
    this.mention = Pattern.compile(
        "(?<![\\w@])(?:" + Pattern.quote(botUserId) + "|@?" + Pattern.quote(localpart)
            + ")(?![\\w-])[:,]?",
        Pattern.CASE_INSENSITIVE);
  }

  Optional<InboundMessage> from(String roomId, JsonNode event, boolean direct, Instant now) {
    if (!event.path("type").asString("").equals("m.room.message")) {
      return Optional.empty();
    }
    String sender = event.path("sender").asString("");
    String id = event.path("event_id").asString("");
    JsonNode content = event.path("content");
    JsonNode relates = content.path("m.relates_to");
    String msgtype = content.path("msgtype").asString("");
    if (sender.isEmpty()
        || id.isEmpty()
        || sender.equals(botUserId)
        || msgtype.isEmpty()
        || relates.path("rel_type").asString("").equals("m.replace")) {
      return Optional.empty();
    }
    if (msgtype.equals("m.notice")) {
      return Optional.empty(); // the spec's rule against loops: bots never answer notices
    }
    String body = content.path("body").asString("");
    if (relates.has("m.in_reply_to")) {
      body = withoutReplyFallback(body);
    }
    List<Attachment> files = attachment(msgtype, content).map(List::of).orElse(List.of());
    String text = files.isEmpty() ? body : caption(content, body);
    boolean mentioned = mentions(content) || mention.matcher(text).find();
    if (!direct && !mentioned && !rooms.contains(roomId)) {
      return Optional.empty();
    }
    // In a direct room only a leading mention is the client's pill; later, the name is a word.
    String said = direct
        ? text.strip().replaceFirst("(?i)^" + mention.pattern(), "").strip()
        : mention.matcher(text).replaceAll("").strip();
    if (said.isEmpty() && files.isEmpty()) {
      return Optional.empty();
    }
    @Nullable
    String thread = relates.path("rel_type").asString("").equals("m.thread")
        ? relates.path("event_id").asString(null)
        : null;
    return Optional.of(new InboundMessage(
        new ChatRef(MatrixAdapter.PLATFORM, roomId, thread),
        id,
        new Sender(sender, null),
        said,
        !direct,
        now,
        files));
  }

  private boolean mentions(JsonNode content) {
    for (JsonNode u : content.path("m.mentions").path("user_ids")) {
      if (botUserId.equals(u.asString(""))) {
        return true;
      }
    }
    return false;
  }

  /** Clients before v1.13 quote the message replied to as "> " lines and a blank line. */
  static String withoutReplyFallback(String body) {
    if (!body.startsWith("> ")) {
      return body;
    }
    int at = 0;
    while (at < body.length() && body.startsWith(">", at)) {
      int next = body.indexOf('\n', at);
      if (next < 0) {
        return "";
      }
      at = next + 1;
    }
    return body.substring(at).stripLeading();
  }

  /** A media message's caption: its body, when a filename says what the file is called. */
  private static String caption(JsonNode content, String body) {
    String fileName = content.path("filename").asString("");
    return !fileName.isEmpty() && !fileName.equals(body) ? body : "";
  }

  private static Optional<Attachment> attachment(String msgtype, JsonNode content) {
    if (!Set.of("m.image", "m.file", "m.audio", "m.video").contains(msgtype)) {
      return Optional.empty();
    }
    String url = content.path("url").asString("");
    if (!url.startsWith("mxc://")) {
      return Optional.empty(); // encrypted media ("file") cannot be read without the keys
    }
    String fileName = content.path("filename").asString(content.path("body").asString(""));
    String stated = content.path("info").path("mimetype").asString("");
    String mime = !stated.isBlank() ? stated.strip() : guessed(fileName, msgtype);
    JsonNode size = content.path("info").path("size");
    AttachmentKind kind = switch (msgtype) {
      case "m.image" -> AttachmentKind.IMAGE;
      case "m.audio" ->
        content.has("org.matrix.msc3245.voice") ? AttachmentKind.VOICE : AttachmentKind.AUDIO;
      case "m.video" -> AttachmentKind.VIDEO;
      default -> AttachmentKind.ofMimeType(mime.toLowerCase(Locale.ROOT));
    };
    return Optional.of(new Attachment(
        kind,
        mime,
        size.isIntegralNumber() ? Math.max(-1, size.asLong(-1)) : -1,
        fileName.isBlank() ? null : fileName,
        url));
  }

  private static String guessed(String fileName, String msgtype) {
    String guess = URLConnection.guessContentTypeFromName(fileName);
    if (guess != null) {
      return guess;
    }
    return msgtype.equals("m.image") ? "image/jpeg" : Attachment.UNKNOWN_TYPE;
  }
}
