package dev.switchboard.platform.telegram;

import dev.switchboard.platform.OutboundFile;
import java.util.Locale;
import java.util.Set;

/**
 * The Bot API method that shows a file as what it is, and the multipart field its bytes go in.
 * A file in a format the method does not take goes out as a document, which takes anything:
 *
 * <ul>
 *   <li>images (and stickers, shown as the picture they are) as a photo when JPEG, PNG or WebP
 *       and within sendPhoto's 10 MB; GIF, SVG, HEIC and larger pictures as documents;
 *   <li>voice notes as voice when OGG/Opus, which sendVoice requires; in MP3 or M4A as audio;
 *   <li>audio as audio when MP3 or M4A, which sendAudio requires;
 *   <li>video as video when MPEG-4, which Telegram's clients play;
 *   <li>everything else as a document.
 * </ul>
 */
enum UploadMethod {
  PHOTO("sendPhoto", "photo"),
  VOICE("sendVoice", "voice"),
  AUDIO("sendAudio", "audio"),
  VIDEO("sendVideo", "video"),
  DOCUMENT("sendDocument", "document");

  /** sendPhoto's limit; a larger picture can still be a document. */
  static final long MAX_PHOTO_BYTES = 10L * 1024 * 1024;

  private static final Set<String> PHOTO_TYPES = Set.of("image/jpeg", "image/png", "image/webp");
  private static final Set<String> VOICE_TYPES = Set.of("audio/ogg", "audio/opus");
  private static final Set<String> AUDIO_TYPES =
      Set.of("audio/mpeg", "audio/mp3", "audio/mp4", "audio/m4a", "audio/x-m4a");

  private final String method;
  private final String field;

  UploadMethod(String method, String field) {
    this.method = method;
    this.field = field;
  }

  /** The method's name: "sendPhoto". */
  String method() {
    return method;
  }

  /** The multipart field the file goes in: "photo". */
  String field() {
    return field;
  }

  static UploadMethod of(OutboundFile file) {
    String type = baseType(file.mimeType());
    return switch (file.kind()) {
      case IMAGE, STICKER ->
        PHOTO_TYPES.contains(type) && file.size() <= MAX_PHOTO_BYTES ? PHOTO : DOCUMENT;
      case VOICE ->
        VOICE_TYPES.contains(type) ? VOICE : AUDIO_TYPES.contains(type) ? AUDIO : DOCUMENT;
      case AUDIO -> AUDIO_TYPES.contains(type) ? AUDIO : DOCUMENT;
      case VIDEO -> type.equals("video/mp4") ? VIDEO : DOCUMENT;
      case DOCUMENT -> DOCUMENT;
    };
  }

  /** "audio/ogg" of "Audio/OGG; codecs=opus". */
  private static String baseType(String mimeType) {
    int semicolon = mimeType.indexOf(';');
    return (semicolon < 0 ? mimeType : mimeType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }
}
