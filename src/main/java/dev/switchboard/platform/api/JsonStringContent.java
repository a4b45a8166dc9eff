package dev.switchboard.platform.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * The content of a JSON string literal as bytes, read from a stream positioned just after its
 * opening quote and ending at its closing one, escapes undone: how a base64 payload of many
 * megabytes is decoded straight from the request body, never held as a Java string.
 *
 * <p>Only what base64 and a data: URL's header can hold comes out as itself: an escape of a
 * character beyond ASCII ({@code \u00e9}) comes out as a byte no base64 alphabet or MIME type
 * has (0xFF), so it is refused as malformed where it is read, as raw bytes beyond ASCII are.
 */
final class JsonStringContent extends InputStream {
  /** What an escape of a non-ASCII character becomes: never valid base64 or header text. */
  static final int NOT_ASCII = 0xFF;

  /** The string is not one JSON allows: the body is malformed, not unreadable. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private boolean ended;

  /** {@code in} is read one byte at a time: give a buffered stream. */
  JsonStringContent(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    if (ended) {
      return -1;
    }
    int b = next();
    if (b == '"') {
      ended = true;
      return -1;
    }
    if (b != '\\') {
      return b;
    }
    int e = next();
    return switch (e) {
      case '"', '\\', '/' -> e;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        int c = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(next(), 16);
          if (digit < 0) {
            throw new Malformed("a \\u escape that is not four hex digits");
          }
          c = c * 16 + digit;
        }
        yield c < 0x80 ? c : NOT_ASCII;
      }
      default -> throw new Malformed("an unknown escape \\" + (char) e);
    };
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len) {
      int c = read();
      if (c < 0) {
        return n == 0 ? -1 : n;
      }
      b[off + n++] = (byte) c;
    }
    return n;
  }

  private int next() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new Malformed("the body ends inside the string");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
