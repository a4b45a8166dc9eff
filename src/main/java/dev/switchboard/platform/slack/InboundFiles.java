package dev.switchboard.platform.slack;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The {@code files} of a message event (Slack's file objects) as attachments, fetched later from
 * their {@code url_private_download} (or {@code url_private}).
 *
 * <p>Left out, since they have no bytes the bot could fetch: a deleted file ({@code mode:
 * tombstone}), one a free workspace hides past its limits ({@code hidden_by_limit}), an
 * external file (Google Drive and the like: {@code is_external}, {@code mode: external}),
 * whose bytes are on another service and whose link the message's text already carries, and a
 * file without a URL (a Slack Connect file that says {@code file_access: check_file_info}).
 * A fresh message brings none of these as a rule.
 */
final class InboundFiles {
  private static final Logger log = LoggerFactory.getLogger(InboundFiles.class);

  private InboundFiles() {}

  static List<Attachment> from(JsonNode files) {
    List<Attachment> out = new ArrayList<>();
    for (JsonNode f : files) {
      attachment(f).ifPresent(out::add);
    }
    return out;
  }

  static Optional<Attachment> attachment(JsonNode file) {
    if (!file.isObject()) {
      return Optional.empty();
    }
    String mode = text(file, "mode");
    String url = text(file, "url_private_download").strip();
    if (url.isEmpty()) {
      url = text(file, "url_private").strip();
    }
    if (mode.equals("tombstone")
        || mode.equals("hidden_by_limit")
        || mode.equals("external")
        || file.path("is_external").asBoolean(false)
        || url.isEmpty()) {
      log.debug(
          "slack: a file left out (mode {}, {})",
          mode.isEmpty() ? "none" : mode,
          url.isEmpty() ? "no URL" : "external");
      return Optional.empty();
    }
    String declared = text(file, "mimetype").strip().toLowerCase(Locale.ROOT);
    boolean clip = text(file, "subtype").equals("slack_audio");
    AttachmentKind kind = clip ? AttachmentKind.VOICE : AttachmentKind.ofMimeType(declared);
    String mime = declared.isEmpty() ? Attachment.UNKNOWN_TYPE : declared;
    if (clip && mime.startsWith("video/")) {
      mime = "audio/" + mime.substring("video/".length()); // clips come as video/mp4, sound only
    }
    long size = file.path("size").isIntegralNumber() && file.path("size").canConvertToLong()
        ? file.path("size").asLong()
        : -1;
    String name = text(file, "name").strip();
    return Optional.of(
        new Attachment(kind, mime, size < 0 ? -1 : size, name.isEmpty() ? null : name, url));
  }

  /** A field's text; empty when it is missing or not text (a number where a URL should be). */
  private static String text(JsonNode file, String field) {
    JsonNode n = file.path(field);
    return n.isString() ? n.asString() : "";
  }
}
