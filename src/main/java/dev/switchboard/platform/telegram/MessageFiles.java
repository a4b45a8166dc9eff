package dev.switchboard.platform.telegram;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The files of a Bot API Message as {@link Attachment}s, each referring to its {@code file_id}
 * (which getFile turns into a download). A message carries at most one media field; an album
 * arrives as several messages with the same {@code media_group_id}, and each stays a message of
 * its own.
 *
 * <ul>
 *   <li>{@code photo}: the largest of its sizes, {@code image/jpeg} (Telegram re-encodes photos
 *       as JPEG and states no type).
 *   <li>{@code document}, {@code audio}, {@code video}, {@code animation}: their own {@code
 *       mime_type} and {@code file_name}; an audio without a name is named by its title. An
 *       animation (a GIF, which Telegram turns into an MP4 without sound) is a video; the
 *       {@code document} Telegram repeats it in for old clients is not a second file.
 *   <li>{@code voice}: {@code audio/ogg} unless stated (Telegram's voice notes are OGG/Opus);
 *       {@code video_note}: a round video, {@code video/mp4}.
 *   <li>{@code sticker}: a static sticker is its WebP image. An animated (.tgs, gzipped Lottie)
 *       or video (.webm) sticker is its thumbnail, a still image that a model taking images can
 *       be shown, where the sticker itself is a format no model reads; without a thumbnail it
 *       keeps its own type ({@code application/x-tgsticker}, {@code video/webm}), so the
 *       gateway can say it cannot pass it on.
 * </ul>
 *
 * <p>Like {@link UpdateParser}, never throws: a field of the wrong type reads as absent, and a
 * file without a usable {@code file_id} is left out.
 */
final class MessageFiles {
  /** A MIME type as Telegram states it: {@code type/subtype}, no parameters, no spaces. */
  private static final Pattern MIME =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9!#$&^_.+-]+");

  static final String JPEG = "image/jpeg";
  static final String WEBP = "image/webp";
  static final String OGG = "audio/ogg";
  static final String MPEG_AUDIO = "audio/mpeg";
  static final String MP4 = "video/mp4";
  static final String TGS = "application/x-tgsticker";
  static final String WEBM = "video/webm";

  private MessageFiles() {}

  /** The message's files, in no particular order (Telegram sends one per message). */
  static List<Attachment> of(JsonNode message) {
    List<Attachment> files = new ArrayList<>(1);
    add(files, largestPhoto(message.path("photo")), AttachmentKind.IMAGE, JPEG, null);
    JsonNode animation = message.path("animation");
    if (animation.isObject()) {
      add(files, animation, AttachmentKind.VIDEO, MP4, name(animation));
    } else {
      JsonNode document = message.path("document");
      add(files, document, AttachmentKind.DOCUMENT, Attachment.UNKNOWN_TYPE, name(document));
    }
    add(files, message.path("voice"), AttachmentKind.VOICE, OGG, null);
    JsonNode audio = message.path("audio");
    String audioName = name(audio);
    add(
        files,
        audio,
        AttachmentKind.AUDIO,
        MPEG_AUDIO,
        audioName != null ? audioName : text(audio.path("title")));
    JsonNode video = message.path("video");
    add(files, video, AttachmentKind.VIDEO, MP4, name(video));
    add(files, message.path("video_note"), AttachmentKind.VIDEO, MP4, null);
    addSticker(files, message.path("sticker"));
    return files;
  }

  private static void addSticker(List<Attachment> files, JsonNode sticker) {
    if (!sticker.isObject()) {
      return;
    }
    boolean animated = sticker.path("is_animated").asBoolean(false);
    boolean video = sticker.path("is_video").asBoolean(false);
    if (!animated && !video) {
      add(files, sticker, AttachmentKind.STICKER, WEBP, null);
      return;
    }
    JsonNode thumbnail = sticker.path("thumbnail");
    if (fileId(thumbnail) != null) {
      // The Bot API says a sticker's thumbnail is .webp or .jpg, not which: WebP is the usual
      // one; a reader that must be sure can tell them apart by their first bytes.
      add(files, thumbnail, AttachmentKind.STICKER, WEBP, null);
    } else {
      String id = fileId(sticker);
      if (id != null) {
        files.add(
            new Attachment(AttachmentKind.STICKER, animated ? TGS : WEBM, size(sticker), null, id));
      }
    }
  }

  private static void add(
      List<Attachment> files,
      @Nullable JsonNode file,
      AttachmentKind kind,
      String defaultType,
      @Nullable String fileName) {
    String id = file == null ? null : fileId(file);
    if (file == null || id == null) {
      return;
    }
    files.add(new Attachment(kind, mimeType(file, defaultType), size(file), fileName, id));
  }

  /**
   * The largest size of a photo: by pixels, then by bytes; Telegram lists them smallest first,
   * so without dimensions the last one.
   */
  private static @Nullable JsonNode largestPhoto(JsonNode sizes) {
    if (!sizes.isArray()) {
      return null;
    }
    JsonNode best = null;
    long bestPixels = -1;
    long bestBytes = -1;
    for (JsonNode s : sizes) {
      if (fileId(s) == null) {
        continue;
      }
      long pixels =
          Math.max(0, s.path("width").asLong(0)) * Math.max(0, s.path("height").asLong(0));
      long bytes = size(s);
      if (best == null || pixels > bestPixels || (pixels == bestPixels && bytes >= bestBytes)) {
        best = s;
        bestPixels = pixels;
        bestBytes = bytes;
      }
    }
    return best;
  }

  private static @Nullable String fileId(JsonNode file) {
    JsonNode id = file.path("file_id");
    return id.isString() && !id.stringValue().isBlank() ? id.stringValue() : null;
  }

  private static long size(JsonNode file) {
    long size = file.path("file_size").asLong(-1);
    return size < 0 ? -1 : size;
  }

  private static String mimeType(JsonNode file, String defaultType) {
    String given = text(file.path("mime_type"));
    if (given == null) {
      return defaultType;
    }
    String type = given.strip().toLowerCase(Locale.ROOT);
    return MIME.matcher(type).matches() ? type : defaultType;
  }

  private static @Nullable String name(JsonNode file) {
    return text(file.path("file_name"));
  }

  private static @Nullable String text(JsonNode node) {
    return node.isString() && !node.stringValue().isBlank() ? node.stringValue() : null;
  }
}
