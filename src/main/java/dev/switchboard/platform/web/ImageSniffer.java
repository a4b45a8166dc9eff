package dev.switchboard.platform.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Which of the {@link WebFile#INLINE_IMAGES} a file is, by its first bytes (each format's
 * signature), never by what its sender said: a browser told a file is an image it is not may
 * guess again, and an HTML page served as a "picture" could run script in the page's origin.
 */
final class ImageSniffer {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
  private static final byte[] GIF87 = "GIF87a".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GIF89 = "GIF89a".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RIFF = "RIFF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WEBP = "WEBP".getBytes(StandardCharsets.US_ASCII);
  private static final int HEAD = 12;

  private ImageSniffer() {}

  /** The image type of the file at {@code file}, or null when it is none of them. */
  static @Nullable String typeOf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return typeOf(in.readNBytes(HEAD));
    }
  }

  /** The image type that bytes starting with {@code head} are, or null. */
  static @Nullable String typeOf(byte[] head) {
    if (startsWith(head, PNG, 0)) {
      return "image/png";
    }
    if (startsWith(head, JPEG, 0)) {
      return "image/jpeg";
    }
    if (startsWith(head, GIF87, 0) || startsWith(head, GIF89, 0)) {
      return "image/gif";
    }
    if (startsWith(head, RIFF, 0) && startsWith(head, WEBP, 8)) {
      return "image/webp";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix, int at) {
    return bytes.length >= at + prefix.length
        && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
  }
}
