package dev.switchboard.platform.web;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A file in a conversation, as its log records it and the page receives it: the picture or
 * document the user uploaded, or one the agent sent. Its bytes are in {@link ChatFiles} under
 * the conversation, named by {@link #ref}.
 *
 * @param ref the SHA-256 of the content (lower-case hex)
 * @param name the name shown and offered when it is saved
 * @param type its MIME type: one of {@link #INLINE_IMAGES} only when its bytes were found to be
 *     that kind of image, else what the sender said it is
 * @param size in bytes
 */
record WebFile(String ref, String name, String type, long size) {
  static final Pattern REF = Pattern.compile("[0-9a-f]{64}");

  /**
   * The images a browser shows as pictures and that can carry no script: what the page shows
   * in the conversation and the gateway serves inline. An SVG can hold script, so it is a file.
   */
  static final Set<String> INLINE_IMAGES =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

  static final String UNKNOWN_TYPE = "application/octet-stream";
  private static final Pattern MIME =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/" + "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");
  private static final int MAX_NAME = 200;

  boolean inlineImage() {
    return INLINE_IMAGES.contains(type);
  }

  /**
   * The name a sender gave, fit to show and to put in a header: the last segment of a path, no
   * control characters, at most {@value #MAX_NAME} characters; {@code fallback} when nothing
   * is left.
   */
  static String cleanName(@Nullable String given, String fallback) {
    if (given == null) {
      return fallback;
    }
    String name = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
    StringBuilder clean = new StringBuilder(name.length());
    name.codePoints()
        .filter(c -> !Character.isISOControl(c) && c != '\u2028' && c != '\u2029')
        .forEach(clean::appendCodePoint);
    String stripped = clean.toString().strip();
    if (stripped.isEmpty() || stripped.equals(".") || stripped.equals("..")) {
      return fallback;
    }
    return stripped.codePointCount(0, stripped.length()) <= MAX_NAME
        ? stripped
        : stripped.substring(0, stripped.offsetByCodePoints(0, MAX_NAME));
  }

  /** A type as a log recorded it: itself when it is a MIME type, else {@link #UNKNOWN_TYPE}. */
  static String recordedType(String type) {
    return MIME.matcher(type).matches() ? type : UNKNOWN_TYPE;
  }

  /**
   * The type of a file whose bytes are {@code sniffed} (an inline image, or null) and that its
   * sender said is {@code declared}: the bytes decide an image; a declared image type the
   * bytes do not bear out, or a type that is no MIME type, is {@link #UNKNOWN_TYPE}.
   */
  static String typeOf(@Nullable String sniffed, @Nullable String declared) {
    if (sniffed != null) {
      return sniffed;
    }
    if (declared == null) {
      return UNKNOWN_TYPE;
    }
    int semicolon = declared.indexOf(';');
    String bare = (semicolon < 0 ? declared : declared.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
    return MIME.matcher(bare).matches() && !INLINE_IMAGES.contains(bare) ? bare : UNKNOWN_TYPE;
  }
}
