package dev.switchboard.platform.discord;

import dev.switchboard.platform.Attachment;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A message with one file as Discord's "Uploading Files" describes it: a {@code
 * multipart/form-data} body (RFC 7578) whose {@code payload_json} part holds the message's JSON
 * and whose {@code files[0]} part holds the file, with its name in {@code Content-Disposition}
 * and its media type in {@code Content-Type}. The file is streamed from disk, and the body's
 * length is known, so it goes out with a Content-Length.
 *
 * <p>Written out here because the JDK's HTTP client has no multipart support, and Jetty's
 * generator leaves quotes in a file name unescaped.
 */
final class MultipartForm implements DiscordRest.Body {
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final String boundary;
  private final byte[] head;
  private final Path file;
  private final byte[] tail;

  private MultipartForm(String boundary, byte[] head, Path file, byte[] tail) {
    this.boundary = boundary;
    this.head = head;
    this.file = file;
    this.tail = tail;
  }

  /**
   * The form for {@code payload} with the file at {@code file} as {@code files[0]}.
   *
   * @param fileName as the recipient should see it; the payload's {@code attachments} entry
   *     should name it too
   */
  static MultipartForm message(JsonNode payload, String fileName, String mediaType, Path file) {
    String boundary = "switchboard-" + UUID.randomUUID();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    write(head, "--" + boundary + "\r\n");
    write(head, "Content-Disposition: form-data; name=\"payload_json\"\r\n");
    write(head, "Content-Type: application/json\r\n\r\n");
    write(head, payload.toString());
    write(head, "\r\n--" + boundary + "\r\n");
    write(
        head,
        "Content-Disposition: form-data; name=\"files[0]\"; filename=\"" + headerSafe(fileName)
            + "\"\r\n");
    write(head, "Content-Type: " + mediaType(mediaType) + "\r\n\r\n");
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    write(tail, "\r\n--" + boundary + "--\r\n");
    return new MultipartForm(boundary, head.toByteArray(), file, tail.toByteArray());
  }

  @Override
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  @Override
  public HttpRequest.BodyPublisher publisher() throws FileNotFoundException {
    return HttpRequest.BodyPublishers.concat(
        HttpRequest.BodyPublishers.ofByteArray(head),
        HttpRequest.BodyPublishers.ofFile(file),
        HttpRequest.BodyPublishers.ofByteArray(tail));
  }

  /**
   * A quoted-string cannot hold a quote, a backslash or a line break without escapes that
   * servers read differently, so those become "_"; other characters go as UTF-8, as RFC 7578
   * allows. The exact name reaches Discord in payload_json anyway.
   */
  static String headerSafe(String fileName) {
    String safe = fileName.replaceAll("[\"\\\\\\p{Cntrl}]", "_").strip();
    return safe.isEmpty() ? "file" : safe;
  }

  /** The media type without parameters, or application/octet-stream when it is not one. */
  static String mediaType(String declared) {
    String type = declared.split(";", 2)[0].strip();
    return MEDIA_TYPE.matcher(type).matches() ? type : Attachment.UNKNOWN_TYPE;
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
