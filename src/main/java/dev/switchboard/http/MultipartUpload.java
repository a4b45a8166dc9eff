package dev.switchboard.http;

import dev.switchboard.common.SpokenSize;
import dev.switchboard.http.JsonExchange.BadRequest;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.server.Request;

/**
 * Reads a {@code multipart/form-data} request of text fields and files with Jetty's parser,
 * within limits, and turns the parser's failures into refusals that say what to change. Shared
 * by the web chat's messages with files and {@code switchboard send --file}: the limits and the
 * refusals are the same, only the words for what is uploaded differ.
 */
public final class MultipartUpload {
  /** What the text fields and the multipart framing may add to the files. */
  public static final long TEXT_ROOM = 256 * 1024;

  private static final long MEMORY_PART_BYTES = 128 * 1024;

  /**
   * What one kind of upload allows, and its words in refusals.
   *
   * @param maxFileBytes the largest file
   * @param maxFiles the most files in one upload
   * @param textFields how many text fields the form has besides its files
   * @param unit what one upload is to its sender: "message", "send"
   * @param fileVerb what the gateway does with files: "accepts", "sends"
   * @param textFieldNames the text fields in words, for a field that is too long
   */
  public record Rules(
      long maxFileBytes,
      int maxFiles,
      int textFields,
      String unit,
      String fileVerb,
      String textFieldNames) {
    /** The largest body such an upload can have. */
    public long maxBodyBytes() {
      return maxFiles * maxFileBytes + TEXT_ROOM;
    }
  }

  private MultipartUpload() {}

  /**
   * The request's parts; parts too large for memory are written to {@code incoming} and
   * deleted when the parts are closed. A body that is not such a form, or too large, is a
   * {@link BadRequest} saying what to change.
   */
  public static MultiPartFormData.Parts read(Request request, Rules rules, Path incoming)
      throws BadRequest {
    if (request.getLength() > rules.maxBodyBytes()) {
      throw tooMuch(rules);
    }
    MultiPartConfig config = new MultiPartConfig.Builder()
        .location(incoming)
        .maxPartSize(rules.maxFileBytes())
        .maxSize(rules.maxBodyBytes())
        .maxMemoryPartSize(MEMORY_PART_BYTES)
        .maxParts(rules.maxFiles() + rules.textFields())
        .build();
    try {
      return MultiPartFormData.getParts(
          request, request, request.getHeaders().get(HttpHeader.CONTENT_TYPE), config);
    } catch (RuntimeException e) {
      throw unreadable(e, rules);
    }
  }

  /** The refusal of a form with more files, or larger ones, than the rules allow. */
  public static BadRequest tooMuch(Rules rules) {
    return new BadRequest(
        413,
        "these files are too large together: a " + rules.unit() + " takes at most "
            + rules.maxFiles() + " files of at most " + SpokenSize.of(rules.maxFileBytes())
            + " each");
  }

  /** A field name as the sender gave it, cut short for an error message. */
  public static String clip(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "\u2026";
  }

  /**
   * What the parser failed with, in words for the sender. Its limits fail it with these
   * messages; anything else is a body that is not a well-formed form, or one that arrived too
   * slowly or not at all.
   */
  @SuppressWarnings("ReferenceEquality") // a cause that is its own cause ends the walk
  private static BadRequest unreadable(RuntimeException e, Rules rules) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
        return http.getCode() == 413
            ? tooMuch(rules)
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
          "a file is larger than the " + SpokenSize.of(rules.maxFileBytes()) + " this gateway "
              + rules.fileVerb() + " (media.max_file_mb)");
    }
    if (why.startsWith("max length exceeded")) {
      return tooMuch(rules);
    }
    if (why.contains("too many keys")) {
      return new BadRequest(
          413, "at most " + rules.maxFiles() + " files go in one " + rules.unit());
    }
    if (why.contains("max memory file size exceeded")) {
      return new BadRequest(413, rules.textFieldNames() + " is too long");
    }
    return new BadRequest(
        400, "the upload is not a valid multipart/form-data body with its boundary");
  }
}
