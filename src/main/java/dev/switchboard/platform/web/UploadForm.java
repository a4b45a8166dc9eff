package dev.switchboard.platform.web;

import dev.switchboard.http.JsonExchange.BadRequest;
import dev.switchboard.http.MultipartUpload;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
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
  static final long TEXT_ROOM = MultipartUpload.TEXT_ROOM;

  /** How many files of what size one message may bring. */
  record Limits(long maxFileBytes, int maxFiles) {
    /** The largest body a message with files can have. */
    long maxBodyBytes() {
      return rules().maxBodyBytes();
    }

    /** The form's two text fields are id and text. */
    MultipartUpload.Rules rules() {
      return new MultipartUpload.Rules(
          maxFileBytes, maxFiles, 2, "message", "accepts", "the \"id\" or \"text\" field");
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
    MultiPartFormData.Parts parts = MultipartUpload.read(request, limits.rules(), incoming);
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
              "unknown field \"" + MultipartUpload.clip(name)
                  + "\": a message takes \"id\", \"text\" and one" + " \"file\" per file");
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

  /** Deletes the parts written to disk. */
  @Override
  public void close() {
    parts.close();
  }
}
