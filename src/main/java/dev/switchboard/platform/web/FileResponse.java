package dev.switchboard.platform.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A conversation's file as the browser gets it. Whatever its sender called it, a file is shown
 * in the page only when its bytes are a picture that can carry no script ({@link
 * ImageSniffer}); everything else is a download of unknown type, so no upload can become a page
 * of the gateway's origin (an HTML file, an SVG with script). The browser is told not to guess
 * (nosniff), and a file opened by itself runs nothing even so (a sandboxing policy).
 */
final class FileResponse {
  static final String POLICY = "default-src 'none'; sandbox";

  private FileResponse() {}

  /**
   * Sends {@code file} (kept under its content hash {@code sha256}) as {@code name}; a browser
   * that holds it already (its ETag, the hash) gets 304.
   */
  static void send(
      Request request, Response response, Callback callback, Path file, String sha256, String name)
      throws IOException {
    String image = ImageSniffer.typeOf(file);
    String etag = "\"" + sha256 + "\"";
    var headers = response.getHeaders();
    headers.put(HttpHeader.ETAG, etag);
    // Revalidated each time, so a browser that logged out cannot show it from its cache.
    headers.put(HttpHeader.CACHE_CONTROL, "private, no-cache");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Content-Security-Policy", POLICY);
    headers.put("Referrer-Policy", "no-referrer");
    if (etag.equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
      response.setStatus(304);
      response.write(true, null, callback);
      return;
    }
    response.setStatus(200);
    headers.put(HttpHeader.CONTENT_TYPE, image != null ? image : WebFile.UNKNOWN_TYPE);
    headers.put(
        HttpHeader.CONTENT_DISPOSITION, disposition(image != null ? "inline" : "attachment", name));
    headers.put(HttpHeader.CONTENT_LENGTH, Files.size(file));
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = Content.Sink.asOutputStream(response)) {
      in.transferTo(out);
    }
    callback.succeeded();
  }

  /**
   * {@code inline} or {@code attachment} with the name as RFC 6266 has it: an ASCII
   * {@code filename} for old clients and the exact name, percent-encoded UTF-8, in {@code
   * filename*}.
   */
  static String disposition(String kind, String name) {
    StringBuilder ascii = new StringBuilder(name.length());
    StringBuilder encoded = new StringBuilder(name.length() * 3);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (attrChar(c)) {
        encoded.append((char) c);
      } else {
        encoded
            .append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  /** RFC 8187's attr-char: what may stand unencoded in {@code filename*}. */
  private static boolean attrChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$&+-.^_`|~".indexOf(c) >= 0;
  }
}
