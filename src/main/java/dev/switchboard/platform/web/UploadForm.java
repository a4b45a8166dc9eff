package dev.switchboard.platform.web;

import dev.switchboard.http.JsonExchange.BadRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * A message with files, as the page posts it: {@code multipart/form-data} with the fields
 * {@code id} and {@code text} (the caption, may be empty) and one {@code file} part per file,
 * read by Jetty's parser. Each file may be at most the gateway's file limit and a message holds
 * at most {@link Limits#maxFiles} of them; small parts stay in memory, larger ones are written
 * to the web chat's incoming folder and deleted when this is closed.
 */
final class UploadForm implements AutoCloseable {
  static final String ID = "id";
  static final String TEXT = "text";
  static final String FILE = "file";

  /** What a message's text and the multipart framing may add to its files. */
  static final long TEXT_ROOM = 256 * 1024;

  private static final long KB = 1024;
  private static final long MB = KB * KB;
  private static final long MEMORY_PART_BYTES = 128 * 1024;

  /** How many files of what size one message may bring. */
  record Limits(long maxFileBytes, int maxFiles) {
    /** The largest body a message with files can have. */
    long maxBodyBytes() {
      return maxFiles * maxFileBytes + TEXT_ROOM;
    }
  }

  /** One file of the message, as its sender described it. */
  record Upload(String fileName, @Nullable String declaredType, MultiPart.Part part) {
    InputStream open() {
      return Content.Source.asInputStream(part.createContentSource());
    }
  }

  private final MultiPartFormData.Parts parts;
  private final String clientId;
  private final String text;
  private final List<Upload> files;

  private UploadForm(
      MultiPartFormData.Parts parts, String clientId, String text, List<Upload> files) {
    this.parts = parts;
    this.clientId = clientId;
    this.text = text;
    this.files = List.copyOf(files);
  }

  String clientId() {
    return clientId;
  }

  String text() {
    return text;
  }

  List<Upload> files() {
    return files;
  }

  /**
   * Reads the request's body; a body that is not such a form, or too large, is a {@link
   * BadRequest} saying what to change.
   *
   * @param incoming where parts too large for memory are written while they are read
   */
  static UploadForm read(Request request, Limits limits, Path incoming) throws BadRequest {
    long declared = request.getLength();
    if (declared > limits.maxBodyBytes()) {
      throw tooMuch(limits);
    }
    MultiPartConfig config = new MultiPartConfig.Builder()
        .location(incoming)
        .maxPartSize(limits.maxFileBytes())
        .maxSize(limits.maxBodyBytes())
        .maxMemoryPartSize(MEMORY_PART_BYTES)
        .maxParts(limits.maxFiles() + 2)
        .build();
    MultiPartFormData.Parts parts;
    try {
      parts = MultiPartFormData.getParts(
          request, request, request.getHeaders().get(HttpHeader.CONTENT_TYPE), config);
    } catch (RuntimeException e) {
      throw unreadable(e, limits);
    }
    try {
      return of(parts, limits);
    } catch (BadRequest | RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  private static UploadForm of(MultiPartFormData.Parts parts, Limits limits) throws BadRequest {
    String id = null;
    String text = "";
    List<Upload> files = new ArrayList<>();
    for (MultiPart.Part part : parts) {
      String name = part.getName() == null ? "" : part.getName();
      switch (name) {
        case ID -> id = part.getContentAsString(StandardCharsets.UTF_8);
        case TEXT -> text = part.getContentAsString(StandardCharsets.UTF_8);
        case FILE -> {
          String fileName = WebFile.cleanName(part.getFileName(), "file");
          if (part.getLength() == 0) {
            throw new BadRequest(400, fileName + " is empty: there is nothing to send");
          }
          files.add(new Upload(fileName, part.getHeaders().get(HttpHeader.CONTENT_TYPE), part));
        }
        default ->
          throw new BadRequest(
              400,
              "unknown field \"" + clip(name) + "\": a message takes \"id\", \"text\" and one"
                  + " \"file\" per file");
      }
    }
    if (id == null || !ChatLogs.ID.matcher(id).matches()) {
      throw new BadRequest(400, "\"id\" must be 1 to 64 letters, digits or dashes");
    }
    if (files.isEmpty() && text.isBlank()) {
      throw new BadRequest(400, "a message needs a \"text\" or at least one \"file\"");
    }
    if (files.size() > limits.maxFiles()) {
      throw new BadRequest(
          413, "at most " + limits.maxFiles() + " files go in one message, not " + files.size());
    }
    if (text.length() > WebChatAdapter.MAX_TEXT_CHARS) {
      throw new BadRequest(
          413,
          "the message has " + text.length() + " characters; at most "
              + WebChatAdapter.MAX_TEXT_CHARS + " fit in one message");
    }
    return new UploadForm(parts, id, text, files);
  }

  /**
   * What the parser failed with, in words for the page. Its limits fail it with these
   * messages; anything else is a body that is not a well-formed form, or one that arrived too
   * slowly or not at all.
   */
  @SuppressWarnings("ReferenceEquality") // a cause that is its own cause ends the walk
  private static BadRequest unreadable(RuntimeException e, Limits limits) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
        return http.getCode() == 413
            ? tooMuch(limits)
            : new BadRequest(
                http.getCode(), "the upload could not be read (HTTP " + http.getCode() + ")");
      }
      if (c instanceof TimeoutException) {
        return new BadRequest(408, "the upload arrived too slowly");
      }
    }
    String why = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (why.startsWith("max file size exceeded")) {
      return new BadRequest(
          413,
          "a file is larger than the " + size(limits.maxFileBytes())
              + " this gateway accepts (media.max_file_mb)");
    }
    if (why.startsWith("max length exceeded")) {
      return tooMuch(limits);
    }
    if (why.contains("too many keys")) {
      return new BadRequest(413, "at most " + limits.maxFiles() + " files go in one message");
    }
    if (why.contains("max memory file size exceeded")) {
      return new BadRequest(413, "the \"id\" or \"text\" field is too long");
    }
    return new BadRequest(
        400, "the upload is not a valid multipart/form-data body with its boundary");
  }

  private static BadRequest tooMuch(Limits limits) {
    return new BadRequest(
        413,
        "these files are too large together: a message takes at most " + limits.maxFiles()
            + " files of at most " + size(limits.maxFileBytes()) + " each");
  }

  /** A size as people say it: "25 MB", "1.5 MB", "300 KB", "20 bytes". */
  static String size(long bytes) {
    if (bytes < KB) {
      return bytes + " bytes";
    }
    boolean mega = bytes >= MB;
    double n = (double) bytes / (mega ? MB : KB);
    return (n == Math.rint(n) ? String.valueOf((long) n) : String.format(Locale.ROOT, "%.1f", n))
        + (mega ? " MB" : " KB");
  }

  private static String clip(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "\u2026";
  }

  /** Deletes the parts written to disk. */
  @Override
  public void close() {
    parts.close();
  }
}
