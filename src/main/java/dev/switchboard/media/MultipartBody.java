package dev.switchboard.media;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} request body (RFC 7578) of text fields and one file, which the
 * JDK's HTTP client has no publisher for. The file streams from disk, and every part has a
 * known length, so the request carries a Content-Length (some local servers take no chunked
 * uploads). Names and file names are the caller's constants or made from a safe alphabet, so
 * no quoting is needed and none is attempted: anything else is refused.
 */
final class MultipartBody {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._\\-\\[\\]]{1,100}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String boundary;
  private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

  MultipartBody() {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    // Random, so no field value or file can contain it by chance.
    this.boundary = "switchboard-" + HexFormat.of().formatHex(random);
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  MultipartBody field(String name, String value) {
    parts.add(text("--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"" + safe(name) + "\"\r\n\r\n"
        + value + "\r\n"));
    return this;
  }

  MultipartBody file(String name, String fileName, String contentType, Path path)
      throws FileNotFoundException {
    if (contentType.contains("\r") || contentType.contains("\n")) {
      throw new IllegalArgumentException("content type with a line break");
    }
    parts.add(text("--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"" + safe(name) + "\"; filename=\""
        + safe(fileName) + "\"\r\n"
        + "Content-Type: " + contentType + "\r\n\r\n"));
    parts.add(HttpRequest.BodyPublishers.ofFile(path));
    parts.add(text("\r\n"));
    return this;
  }

  HttpRequest.BodyPublisher publisher() {
    List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
    all.add(text("--" + boundary + "--\r\n"));
    return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
  }

  private static String safe(String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain multipart name: " + name);
    }
    return name;
  }

  private static HttpRequest.BodyPublisher text(String s) {
    return HttpRequest.BodyPublishers.ofByteArray(s.getBytes(StandardCharsets.UTF_8));
  }
}
