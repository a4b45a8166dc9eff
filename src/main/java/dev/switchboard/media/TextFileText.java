package dev.switchboard.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of a file that should be text: UTF-8, or UTF-16 when it starts with a byte order
 * mark (what Windows Notepad writes). Reads only as many bytes as the budget can need, so a
 * gigabyte log costs a few dozen kilobytes. Bytes that are not text are refused: a NUL byte
 * (no text file has one, nearly every binary file does), or more invalid UTF-8 sequences than
 * one per thousand bytes (a stray bad byte in a long log is forgiven; Latin-1 text is not
 * guessed at).
 */
final class TextFileText {
  private TextFileText() {}

  /** Most bytes one char of a decoded {@link String} takes in UTF-8 (a surrogate pair: 4 for 2). */
  private static final int MAX_BYTES_PER_CHAR = 3;

  private static final int BOM_BYTES = 3;

  /** Invalid UTF-8 sequences forgiven per this many bytes. */
  private static final int BYTES_PER_FORGIVEN_ERROR = 1000;

  /**
   * The decoded prefix of the file: at least {@code budget + 1} chars when the file has that
   * many, so a cut can be told from a fit.
   *
   * @param complete the whole file was read, so {@code text} is all of it
   * @param fileBytes the file's size
   */
  record Prefix(String text, boolean complete, long fileBytes) {}

  /** The file's text, or a reason it has none. */
  sealed interface Read {}

  record Decoded(Prefix prefix) implements Read {}

  record NotText(String reason) implements Read {}

  static Read read(Path path, int budget) throws IOException {
    long size = Files.size(path);
    // budget + 2 chars' worth: even if the prefix ends in an unfinished 3-byte sequence, budget
    // + 1 whole chars remain.
    int limit =
        (int) Math.min(Integer.MAX_VALUE - 8, (budget + 2L) * MAX_BYTES_PER_CHAR + BOM_BYTES);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      // One byte more than the limit tells whether there was more.
      bytes = in.readNBytes(limit + 1);
    }
    boolean complete = bytes.length <= limit;
    int length = Math.min(bytes.length, limit);
    if (length == 0) {
      return new NotText("the file is empty");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    Charset charset = byteOrderMark(in);
    if (charset.equals(StandardCharsets.UTF_8) && hasNul(bytes, length)) {
      return new NotText("this is binary data, not text");
    }
    CharBuffer out = CharBuffer.allocate(length);
    int errors = decode(charset, in, out, complete);
    if ((long) errors * BYTES_PER_FORGIVEN_ERROR > length) {
      return new NotText(
          charset.equals(StandardCharsets.UTF_8)
              ? "this is not valid UTF-8 text"
              : "this is not valid " + charset.name() + " text");
    }
    out.flip();
    return new Decoded(new Prefix(out.toString(), complete, Math.max(size, length)));
  }

  /** Skips a byte order mark and returns the charset it names; UTF-8 without one. */
  private static Charset byteOrderMark(ByteBuffer in) {
    int p = in.position();
    int b0 = in.remaining() > 0 ? in.get(p) & 0xff : -1;
    int b1 = in.remaining() > 1 ? in.get(p + 1) & 0xff : -1;
    int b2 = in.remaining() > 2 ? in.get(p + 2) & 0xff : -1;
    if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) {
      in.position(p + 3);
      return StandardCharsets.UTF_8;
    }
    if (b0 == 0xfe && b1 == 0xff) {
      in.position(p + 2);
      return StandardCharsets.UTF_16BE;
    }
    if (b0 == 0xff && b1 == 0xfe) {
      in.position(p + 2);
      return StandardCharsets.UTF_16LE;
    }
    return StandardCharsets.UTF_8;
  }

  private static boolean hasNul(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes {@code in} into {@code out}, each invalid sequence as U+FFFD, and returns how many
   * there were. When the file goes on past {@code in}, a sequence cut by the end of the prefix
   * is left out rather than counted.
   */
  private static int decode(Charset charset, ByteBuffer in, CharBuffer out, boolean complete) {
    CharsetDecoder decoder = charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int errors = 0;
    while (true) {
      CoderResult result = decoder.decode(in, out, complete);
      if (result.isError()) {
        errors++;
        out.put('\uFFFD');
        in.position(in.position() + result.length());
      } else {
        // UNDERFLOW: all read, or only an unfinished sequence left; OVERFLOW cannot happen, as
        // no charset here makes more chars than it reads bytes.
        break;
      }
    }
    if (complete) {
      decoder.flush(out);
    }
    return errors;
  }
}
