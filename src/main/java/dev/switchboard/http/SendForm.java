package dev.switchboard.http;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.http.JsonExchange.BadRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
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
    try {
      OwnerOnly.createDirectories(limits.incoming());
    } catch (IOException e) {
      throw new BadRequest(500, "the gateway cannot keep uploads in " + limits.incoming());
    }
    MultiPartFormData.Parts parts =
        MultipartUpload.read(request, limits.rules(), limits.incoming());
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
              "unknown field \"" + MultipartUpload.clip(name)
                  + "\": a send takes \"target\", \"text\","
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

  /** Deletes the parts written to disk. */
  @Override
  public void close() {
    parts.close();
  }
}
