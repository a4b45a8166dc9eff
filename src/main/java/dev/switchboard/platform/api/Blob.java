package dev.switchboard.platform.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A string of a request that may be too large to hold in memory (an image's data: URL, a
 * file's base64): read as a stream of its content, as often as needed.
 */
interface Blob {
  /** The string's content (escapes undone) from its start; the caller closes it. */
  InputStream open() throws IOException;

  /**
   * The string itself when it has at most {@code maxChars} characters (an image's address);
   * empty when it is longer.
   */
  Optional<String> text(int maxChars) throws IOException;

  /** A string already in memory: a request built in a test, or parsed the ordinary way. */
  static Blob of(String text) {
    return new Blob() {
      @Override
      public InputStream open() {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
          char c = text.charAt(i);
          // as JsonStringContent reads it from a body: beyond ASCII is never valid base64
          bytes[i] = (byte) (c < 0x80 ? c : JsonStringContent.NOT_ASCII);
        }
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public Optional<String> text(int maxChars) {
        return text.length() <= maxChars ? Optional.of(text) : Optional.empty();
      }
    };
  }
}
