package dev.switchboard.platform.discord;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message's {@code attachments} array (Discord's Attachment objects) as {@link Attachment}s:
 * the kind from the media type (a voice message, flag {@code IS_VOICE_MESSAGE}, makes its audio
 * a voice note), the media type as Discord states it or else guessed from the file name, the
 * size, the file name, and the CDN {@code url} as the reference the bytes are fetched from.
 * An entry without a URL is left out: there is nothing to fetch.
 */
final class InboundAttachments {
  /** Message flag: "this message is a voice message". */
  static final int IS_VOICE_MESSAGE = 1 << 13;

  private InboundAttachments() {}

  static List<Attachment> of(JsonNode message) {
    boolean voiceMessage = (message.path("flags").asLong(0) & IS_VOICE_MESSAGE) != 0;
    List<Attachment> found = new ArrayList<>();
    for (JsonNode a : message.path("attachments")) {
      String url = a.path("url").asString("");
      if (url.isBlank()) {
        continue;
      }
      String fileName = a.path("filename").asString(null);
      String mime = mimeType(a.path("content_type").asString(null), fileName);
      JsonNode size = a.path("size");
      found.add(new Attachment(
          kind(mime, voiceMessage),
          mime,
          // asLong(-1): a size beyond a long (a fuzzed one) is unknown, not an exception
          size.isIntegralNumber() ? Math.max(-1, size.asLong(-1)) : -1,
          fileName == null || fileName.isBlank() ? null : fileName,
          url));
    }
    return found;
  }

  static AttachmentKind kind(String mimeType, boolean voiceMessage) {
    AttachmentKind kind = AttachmentKind.ofMimeType(mimeType.toLowerCase(Locale.ROOT));
    return kind == AttachmentKind.AUDIO && voiceMessage ? AttachmentKind.VOICE : kind;
  }

  /** Discord's {@code content_type}, else the JDK's guess from the name, else unknown. */
  static String mimeType(@Nullable String contentType, @Nullable String fileName) {
    if (contentType != null && !contentType.isBlank()) {
      return contentType.strip();
    }
    String guessed = fileName == null ? null : URLConnection.guessContentTypeFromName(fileName);
    return guessed == null ? Attachment.UNKNOWN_TYPE : guessed;
  }
}
