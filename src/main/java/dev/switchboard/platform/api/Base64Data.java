package dev.switchboard.platform.api;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A file's bytes as a request carries them: base64, bare ({@code input_audio.data}) or in a
 * {@code data:} URL ({@code data:image/png;base64,...}). Decoded as a stream, so a file of many
 * megabytes is never a string in memory; checked once when the request arrives ({@link
 * #check}), decoded again when the gateway fetches it ({@link #open}).
 */
final class Base64Data {
  private static final String DATA = "data:";
  /** Longest header before the comma: a MIME type and a few parameters. */
  private static final int MAX_HEADER = 512;

  private static final Pattern HEADER = Pattern.compile(
      "data:([a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)?((?:;[a-z0-9!#$&^_.+-]+=[^;,]*)*)(;base64)?",
      Pattern.CASE_INSENSITIVE);

  private Base64Data() {}

  /**
   * What a string holds.
   *
   * @param mimeType from its data: URL (lower case); null when bare base64, or a data: URL that
   *     names no type
   * @param dataUrl whether it was a data: URL
   * @param size its decoded length in bytes
   */
  record Checked(@Nullable String mimeType, boolean dataUrl, long size) {}

  /** Whether the string starts as a data: URL does. */
  static boolean isDataUrl(Blob blob) throws IOException {
    try (InputStream in = blob.open()) {
      byte[] start = in.readNBytes(DATA.length());
      return new String(start, StandardCharsets.ISO_8859_1).equalsIgnoreCase(DATA);
    }
  }

  /**
   * Reads the string through once: its type, and its size when decoded, at most {@code
   * maxBytes}; a 400 naming {@code param} when it is not base64 or not a base64 data: URL.
   */
  static Checked check(Blob blob, String param, long maxBytes) throws ApiError, IOException {
    Header header;
    long size = 0;
    try (InputStream in = new BufferedInputStream(blob.open(), 64 * 1024)) {
      header = header(in, param);
      InputStream decoded = Base64.getDecoder().wrap(new WithoutWhitespace(in));
      byte[] buffer = new byte[64 * 1024];
      for (int n = decoded.read(buffer); n >= 0; n = decoded.read(buffer)) {
        size += n;
        if (size > maxBytes) {
          throw ApiError.invalid(
              param,
              param + " holds more than " + maxBytes / (1024 * 1024) + " MB; that is the"
                  + " most one file may have here");
        }
      }
    } catch (JsonStringContent.Malformed e) {
      throw ApiError.invalid(param, param + " is not a valid JSON string: " + e.getMessage());
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("base64")) {
        throw ApiError.invalid(param, param + " is not valid base64 (" + e.getMessage() + ")");
      }
      throw e;
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(param, param + " is not valid base64 (" + e.getMessage() + ")");
    }
    if (size == 0) {
      throw ApiError.invalid(param, param + " holds no data");
    }
    return new Checked(header.mimeType(), header.dataUrl(), size);
  }

  /** The decoded bytes of a string {@link #check} accepted. */
  static InputStream open(Blob blob) throws IOException {
    InputStream in = new BufferedInputStream(blob.open(), 64 * 1024);
    try {
      header(in, "the file");
    } catch (ApiError e) {
      in.close();
      throw new IOException(e.getMessage(), e);
    }
    return Base64.getDecoder().wrap(new WithoutWhitespace(in));
  }

  private record Header(@Nullable String mimeType, boolean dataUrl) {}

  /** Reads a data: URL's header up to its comma, or nothing when the string is bare base64. */
  private static Header header(InputStream in, String param) throws ApiError, IOException {
    in.mark(MAX_HEADER + 1);
    byte[] start = in.readNBytes(DATA.length());
    if (!new String(start, StandardCharsets.ISO_8859_1).equalsIgnoreCase(DATA)) {
      in.reset();
      return new Header(null, false);
    }
    StringBuilder header = new StringBuilder(DATA);
    for (int b = in.read(); b != ','; b = in.read()) {
      if (b < 0 || header.length() >= MAX_HEADER) {
        throw ApiError.invalid(param, param + " is a data: URL without its comma and data");
      }
      header.append((char) b);
    }
    Matcher m = HEADER.matcher(header);
    if (!m.matches()) {
      throw ApiError.invalid(
          param,
          param + " has a malformed data: URL header '"
              + header.substring(0, Math.min(header.length(), 80)) + "'");
    }
    if (m.group(3) == null) {
      throw ApiError.invalid(
          param, param + " is a data: URL without ;base64; only base64 data URLs are accepted");
    }
    String mime = m.group(1) == null ? null : m.group(1).toLowerCase(Locale.ROOT);
    return new Header(mime, true);
  }

  /** Leaves out line breaks and spaces, which some encoders put into long base64. */
  private static final class WithoutWhitespace extends FilterInputStream {
    WithoutWhitespace(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b;
      do {
        b = in.read();
      } while (b == '\n' || b == '\r' || b == ' ' || b == '\t');
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      if (n <= 0) {
        return n;
      }
      int kept = 0;
      for (int i = 0; i < n; i++) {
        byte b = buf[off + i];
        if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
          buf[off + kept++] = b;
        }
      }
      return kept == 0 ? read(buf, off, len) : kept;
    }
  }
}
