package dev.switchboard.common;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@code multipart/form-data} body (RFC 7578) of text fields and files, as the Bot API takes
 * uploads and {@code switchboard send --file} sends them to the gateway: the files are
 * streamed from disk and the body has an exact Content-Length.
 *
 * <p>Written here rather than taken from Jetty, the one library in the project that generates
 * such bodies: Jetty's {@code MultiPartFormData.ContentSource} reports no length (the JDK client
 * would then upload chunked) and is a Jetty {@code Content.Source}, which the JDK client can
 * only send through a blocking InputStream adapter; its filename encoding also leaves a quote
 * unescaped. The JDK's {@link BodyPublishers#concat} of the part headers and {@link
 * BodyPublishers#ofFile} is the same body with its length. The tests' fake Bot API reads these
 * bodies with Jetty's parser.
 */
public final class MultipartForm {
  /** A media type as a header may carry it: visible ASCII only, nothing that ends the line. */
  private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7e][\\x20-\\x7e]*");

  private final String boundary = "switchboard-" + UUID.randomUUID();
  private final List<BodyPublisher> parts = new ArrayList<>();

  /** Adds a text field; {@code value} may hold any text, line breaks included. */
  public MultipartForm field(String name, String value) {
    parts.add(bytes(head(name, null, null) + value + "\r\n"));
    return this;
  }

  /**
   * Adds the file at {@code path} as field {@code name}, named {@code fileName} for the
   * recipient; a {@code mimeType} that could not stand in a header is sent as
   * application/octet-stream.
   */
  public MultipartForm file(String name, String fileName, String mimeType, Path path)
      throws FileNotFoundException {
    String type = HEADER_SAFE.matcher(mimeType).matches() ? mimeType : "application/octet-stream";
    parts.add(bytes(head(name, fileName, type)));
    parts.add(BodyPublishers.ofFile(path));
    parts.add(bytes("\r\n"));
    return this;
  }

  /** The Content-Type header, with the boundary. */
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The whole body; its length is known as long as the files' sizes do not change. */
  public BodyPublisher body() {
    List<BodyPublisher> all = new ArrayList<>(parts);
    all.add(bytes("--" + boundary + "--\r\n"));
    return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
  }

  private String head(String name, @Nullable String fileName, @Nullable String type) {
    StringBuilder h = new StringBuilder("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"")
        .append(quoted(name))
        .append('"');
    if (fileName != null) {
      h.append("; filename=\"").append(quoted(fileName)).append('"');
    }
    h.append("\r\n");
    if (type != null) {
      h.append("Content-Type: ").append(type).append("\r\n");
    }
    return h.append("\r\n").toString();
  }

  /**
   * A name inside a quoted header parameter, escaped as browsers do it (the HTML standard's
   * multipart/form-data encoding): a quote and line breaks as percent escapes, anything else,
   * non-ASCII letters included, as UTF-8.
   */
  static String quoted(String name) {
    return name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static BodyPublisher bytes(String text) {
    return BodyPublishers.ofByteArray(text.getBytes(StandardCharsets.UTF_8));
  }
}
