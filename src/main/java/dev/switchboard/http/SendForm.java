package dev.switchboard.http;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.common.SpokenSize;
import dev.switchboard.http.JsonExchange.BadRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * A send with files, as {@code switchboard send --file} posts it to {@code /api/admin/send}:
 * {@code multipart/form-data} with the fields {@code target}, {@code text} (may be empty) and
 * {@code idempotency_key} (optional), and one {@code file} part per file, read by Jetty's
 * parser. Each file may be at most the gateway's file limit, and a send holds at most {@link
 * SendUploads#maxFiles} of them; small parts stay in memory, larger ones are written to the
 * incoming folder and deleted when this is closed.
 */
final class SendForm implements AutoCloseable {
  static final String TARGET = "target";
  static final String TEXT = "text";
  static final String KEY = "idempotency_key";
  static final String FILE = "file";

  private static final long MEMORY_PART_BYTES = 128 * 1024;

  private final MultiPartFormData.Parts parts;
  private final String target;
  private final String text;
  private final @Nullable String key;
  private final List<AdminSend.Upload> files;

  private SendForm(
      MultiPartFormData.Parts parts,
      String target,
      String text,
      @Nullable String key,
      List<AdminSend.Upload> files) {
    this.parts = parts;
    this.target = target;
    this.text = text;
    this.key = key;
    this.files = List.copyOf(files);
  }

  String target() {
    return target;
  }

  String text() {
    return text;
  }

  @Nullable
  String key() {
    return key;
  }

  List<AdminSend.Upload> files() {
    return files;
  }

  /**
   * Reads the request's body; a body that is not such a form, or too large, is a {@link
   * BadRequest} saying what to change.
   */
  static SendForm read(Request request, SendUploads limits) throws BadRequest {
    if (request.getLength() > limits.maxBodyBytes()) {
      throw tooMuch(limits);
    }
    try {
      OwnerOnly.createDirectories(limits.incoming());
    } catch (IOException e) {
      throw new BadRequest(500, "the gateway cannot keep uploads in " + limits.incoming());
    }
    MultiPartConfig config = new MultiPartConfig.Builder()
        .location(limits.incoming())
        .maxPartSize(limits.maxFileBytes())
        .maxSize(limits.maxBodyBytes())
        .maxMemoryPartSize(MEMORY_PART_BYTES)
        .maxParts(limits.maxFiles() + 3)
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

  private static SendForm of(MultiPartFormData.Parts parts, SendUploads limits) throws BadRequest {
    String target = null;
    String text = "";
    String key = null;
    List<AdminSend.Upload> files = new ArrayList<>();
    for (MultiPart.Part part : parts) {
      String name = part.getName() == null ? "" : part.getName();
      switch (name) {
        case TARGET -> target = part.getContentAsString(StandardCharsets.UTF_8);
        case TEXT -> text = part.getContentAsString(StandardCharsets.UTF_8);
        case KEY -> key = part.getContentAsString(StandardCharsets.UTF_8);
        case FILE -> {
          String fileName = fileName(part.getFileName());
          files.add(new AdminSend.Upload(
              fileName,
              part.getHeaders().get(HttpHeader.CONTENT_TYPE),
              () -> Content.Source.asInputStream(part.createContentSource())));
        }
        default ->
          throw new BadRequest(
              400,
              "unknown field \"" + clip(name) + "\": a send takes \"target\", \"text\","
                  + " \"idempotency_key\" and one \"file\" per file");
      }
    }
    if (target == null) {
      throw new BadRequest(400, "a send needs a \"target\": platform:chat[:thread]");
    }
    if (files.size() > limits.maxFiles()) {
      throw new BadRequest(
          413, "at most " + limits.maxFiles() + " files go in one send, not " + files.size());
    }
    return new SendForm(parts, target, text, key, files);
  }

  /** The name as sent, without any folder part a client may have left in it. */
  private static String fileName(@Nullable String given) {
    if (given == null) {
      return "file";
    }
    String name = given
        .substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1)
        .replaceAll("\\p{Cntrl}", "")
        .strip();
    return name.isEmpty() ? "file" : name;
  }

  /**
   * What the parser failed with, in words for the sender. Its limits fail it with these
   * messages; anything else is a body that is not a well-formed form, or one that arrived too
   * slowly or not at all.
   */
  @SuppressWarnings("ReferenceEquality") // a cause that is its own cause ends the walk
  private static BadRequest unreadable(RuntimeException e, SendUploads limits) {
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
          "a file is larger than the " + SpokenSize.of(limits.maxFileBytes())
              + " this gateway sends (media.max_file_mb)");
    }
    if (why.startsWith("max length exceeded")) {
      return tooMuch(limits);
    }
    if (why.contains("too many keys")) {
      return new BadRequest(413, "at most " + limits.maxFiles() + " files go in one send");
    }
    if (why.contains("max memory file size exceeded")) {
      return new BadRequest(413, "the \"target\", \"text\" or \"idempotency_key\" is too long");
    }
    return new BadRequest(
        400, "the upload is not a valid multipart/form-data body with its boundary");
  }

  private static BadRequest tooMuch(SendUploads limits) {
    return new BadRequest(
        413,
        "these files are too large together: a send takes at most " + limits.maxFiles()
            + " files of at most " + SpokenSize.of(limits.maxFileBytes()) + " each");
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
