package dev.switchboard.media;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The file name and content type an audio file is uploaded under. OpenAI tells the format by
 * the file name's extension and takes flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav and webm only,
 * so a Telegram voice note (no name, {@code audio/ogg}) goes up as {@code audio.ogg} and a
 * {@code .oga} file as {@code .ogg}. The sender's own file name is never sent: it could hold
 * anything, and the server needs only the extension.
 */
record AudioUpload(String fileName, String contentType) {
  private static final String BASE_NAME = "audio";
  private static final Pattern MIME = Pattern.compile("[a-z0-9!#$&^_.+\\-]+/[a-z0-9!#$&^_.+\\-]+");
  private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,5}");

  /** A format OpenAI's transcription API takes: its extension and content type. */
  private record Known(String extension, String contentType) {}

  private static final Known OGG = new Known("ogg", "audio/ogg");
  private static final Known MP3 = new Known("mp3", "audio/mpeg");
  private static final Known M4A = new Known("m4a", "audio/mp4");
  private static final Known MP4 = new Known("mp4", "video/mp4");
  private static final Known WAV = new Known("wav", "audio/wav");
  private static final Known WEBM = new Known("webm", "audio/webm");
  private static final Known FLAC = new Known("flac", "audio/flac");

  private static final Map<String, Known> BY_MIME = Map.ofEntries(
      Map.entry("audio/ogg", OGG),
      Map.entry("audio/oga", OGG),
      Map.entry("audio/opus", OGG),
      Map.entry("application/ogg", OGG),
      Map.entry("audio/mpeg", MP3),
      Map.entry("audio/mp3", MP3),
      Map.entry("audio/mpga", MP3),
      Map.entry("audio/mp4", M4A),
      Map.entry("audio/m4a", M4A),
      Map.entry("audio/x-m4a", M4A),
      Map.entry("video/mp4", MP4),
      Map.entry("audio/wav", WAV),
      Map.entry("audio/wave", WAV),
      Map.entry("audio/x-wav", WAV),
      Map.entry("audio/vnd.wave", WAV),
      Map.entry("audio/webm", WEBM),
      Map.entry("video/webm", WEBM),
      Map.entry("audio/flac", FLAC),
      Map.entry("audio/x-flac", FLAC));

  private static final Map<String, Known> BY_EXTENSION = Map.ofEntries(
      Map.entry("ogg", OGG),
      Map.entry("oga", OGG),
      Map.entry("opus", OGG),
      Map.entry("mp3", MP3),
      Map.entry("mpga", MP3),
      Map.entry("mpeg", MP3),
      Map.entry("m4a", M4A),
      Map.entry("mp4", MP4),
      Map.entry("wav", WAV),
      Map.entry("webm", WEBM),
      Map.entry("flac", FLAC));

  /**
   * @param mimeType as the platform states it, parameters and all ({@code audio/ogg;
   *     codecs=opus}); the sender's file name's extension is used when it says nothing useful
   * @param fileName the sender's, or null
   */
  static AudioUpload of(String mimeType, @Nullable String fileName) {
    String mime = mimeType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    String extension = extension(fileName);
    Known known = BY_MIME.get(mime);
    if (known == null && extension != null) {
      known = BY_EXTENSION.get(extension);
    }
    if (known != null) {
      return new AudioUpload(BASE_NAME + "." + known.extension(), known.contentType());
    }
    // A format OpenAI would refuse: a local server may still take it, so it goes as it came.
    return new AudioUpload(
        extension == null ? BASE_NAME : BASE_NAME + "." + extension,
        MIME.matcher(mime).matches() ? mime : "application/octet-stream");
  }

  private static @Nullable String extension(@Nullable String fileName) {
    if (fileName == null) {
      return null;
    }
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return EXTENSION.matcher(ext).matches() ? ext : null;
  }
}
