package dev.switchboard.platform.api;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.POJONode;

/**
 * A message's {@code content} in OpenAI's Chat Completions format: a string, or an array of
 * parts: {@code text}, {@code image_url} (a base64 data: URL or an https: address), {@code
 * input_audio} (base64 wav or mp3) and {@code file} (base64 in {@code file_data}, as a data:
 * URL or bare). A user message's files become {@link FilePart}s; in the other roles only text
 * counts and other parts are passed over. Anything malformed is a 400 naming the part.
 */
final class ContentParts {
  /** The most one file may have once decoded: OpenAI's limit for an image is 20 MB. */
  static final long MAX_FILE_BYTES = 25L * 1024 * 1024;

  /** The longest image address taken. */
  static final int MAX_URL_CHARS = 8192;

  private static final Set<String> DETAILS = Set.of("auto", "low", "high", "original");
  private static final String TYPES = "text, image_url, input_audio or file";

  private ContentParts() {}

  /** A message's text (its text parts joined) and the files it carries. */
  record Content(String text, List<FilePart> files) {}

  static Content read(JsonNode content, int message, boolean user) throws ApiError {
    String param = "messages[" + message + "].content";
    if (content.isString()) {
      return new Content(content.asString(), List.of());
    }
    if (content.isNull() || content.isMissingNode()) {
      return new Content("", List.of());
    }
    if (!content.isArray()) {
      throw ApiError.invalid(param, param + " must be a string or an array of content parts");
    }
    StringBuilder text = new StringBuilder();
    List<FilePart> files = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String at = param + "[" + j + "]";
      JsonNode part = content.get(j);
      if (!part.isObject() || !part.path("type").isString()) {
        throw ApiError.invalid(at, at + " must be an object with a 'type'");
      }
      String type = part.path("type").asString();
      if (type.equals("text")) {
        JsonNode t = part.path("text");
        if (!t.isString()) {
          throw ApiError.invalid(at + ".text", at + ".text must be a string");
        }
        text.append(t.asString());
      } else if (user) {
        files.add(file(part, type, at));
      }
      // other roles: only their text is part of the conversation
    }
    return new Content(text.toString(), files);
  }

  private static FilePart file(JsonNode part, String type, String at) throws ApiError {
    try {
      return switch (type) {
        case "image_url" -> image(part.path("image_url"), at + ".image_url");
        case "input_audio" -> audio(part.path("input_audio"), at + ".input_audio");
        case "file" -> document(part.path("file"), at + ".file");
        default ->
          throw ApiError.invalid(
              at + ".type",
              at + ".type '" + type + "' is not a content part this server takes; use " + TYPES);
      };
    } catch (IOException e) {
      throw new ApiError(
          500, "server_error", null, null, "the request's body could not be read back");
    }
  }

  /**
   * A file of a send ({@code POST /v1/send}'s {@code files[i]}), in the shape of a {@code file}
   * part's {@code file}: {@code {"filename": ..., "file_data": "data:...;base64,..."}}.
   */
  static FilePart.Inline sentFile(JsonNode file, String at) throws ApiError {
    try {
      return document(file, at);
    } catch (IOException e) {
      throw new ApiError(
          500, "server_error", null, null, "the request's body could not be read back");
    }
  }

  private static FilePart image(JsonNode image, String at) throws ApiError, IOException {
    if (!image.isObject()) {
      throw ApiError.invalid(at, at + " must be an object with a 'url'");
    }
    JsonNode detail = image.path("detail");
    if (!detail.isMissingNode()
        && !detail.isNull()
        && !(detail.isString() && DETAILS.contains(detail.asString()))) {
      throw ApiError.invalid(at + ".detail", at + ".detail must be auto, low, high or original");
    }
    String param = at + ".url";
    Blob url = blob(image.path("url"), param);
    if (Base64Data.isDataUrl(url)) {
      Base64Data.Checked data = Base64Data.check(url, param, MAX_FILE_BYTES);
      String mime = data.mimeType();
      if (mime == null || !mime.startsWith("image/")) {
        throw ApiError.invalid(
            param,
            param + " must be an image's data: URL (data:image/png;base64,...), not "
                + (mime == null ? "one without a type" : mime));
      }
      return new FilePart.Inline(AttachmentKind.IMAGE, mime, null, data.size(), url, at);
    }
    Optional<String> text = url.text(MAX_URL_CHARS);
    if (text.isEmpty()) {
      throw ApiError.invalid(param, param + " is longer than " + MAX_URL_CHARS + " characters");
    }
    return new FilePart.WebImage(httpsAddress(text.get(), param), at);
  }

  private static URI httpsAddress(String url, String param) throws ApiError {
    String hint =
        param + " must be an https: address or a base64 data: URL" + " (data:image/png;base64,...)";
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw ApiError.invalid(param, hint);
    }
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      throw ApiError.invalid(param, param + " is an http: address; only https: ones are fetched");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw ApiError.invalid(param, hint);
    }
    return uri;
  }

  private static FilePart audio(JsonNode audio, String at) throws ApiError, IOException {
    if (!audio.isObject()) {
      throw ApiError.invalid(at, at + " must be an object with 'data' and 'format'");
    }
    JsonNode format = audio.path("format");
    String mime = switch (format.isString() ? format.asString() : "") {
      case "wav" -> "audio/wav";
      case "mp3" -> "audio/mpeg";
      default -> throw ApiError.invalid(at + ".format", at + ".format must be wav or mp3");
    };
    String param = at + ".data";
    Blob data = blob(audio.path("data"), param);
    Base64Data.Checked checked = Base64Data.check(data, param, MAX_FILE_BYTES);
    // Audio to be heard as words (transcribed), like an audio file sent to a chat.
    return new FilePart.Inline(AttachmentKind.AUDIO, mime, null, checked.size(), data, at);
  }

  private static FilePart.Inline document(JsonNode file, String at) throws ApiError, IOException {
    if (!file.isObject()) {
      throw ApiError.invalid(at, at + " must be an object with 'file_data'");
    }
    JsonNode id = file.path("file_id");
    if (!id.isMissingNode() && !id.isNull()) {
      throw ApiError.invalid(
          at + ".file_id",
          at + ".file_id cannot be used: this server keeps no uploaded files (it has no"
              + " /v1/files); send the file's content in file_data as a base64 data: URL");
    }
    JsonNode name = file.path("filename");
    if (!name.isMissingNode() && !name.isNull() && !name.isString()) {
      throw ApiError.invalid(at + ".filename", at + ".filename must be a string");
    }
    @Nullable
    String fileName =
        name.isString() && !name.asString().isBlank() ? name.asString().strip() : null;
    String param = at + ".file_data";
    if (file.path("file_data").isMissingNode()) {
      throw ApiError.invalid(
          param, param + " is missing: the file's content in base64 (a data: URL or bare)");
    }
    Blob data = blob(file.path("file_data"), param);
    Base64Data.Checked checked = Base64Data.check(data, param, MAX_FILE_BYTES);
    String mime = checked.mimeType() != null ? checked.mimeType() : guessType(fileName);
    return new FilePart.Inline(
        AttachmentKind.ofMimeType(mime), mime, fileName, checked.size(), data, at);
  }

  /** The string that carries a file: kept on disk by {@link RequestBodyReader}, or in memory. */
  private static Blob blob(JsonNode node, String param) throws ApiError {
    if (node instanceof POJONode pojo && pojo.getPojo() instanceof Blob b) {
      return b;
    }
    if (node.isString()) {
      return Blob.of(node.asString());
    }
    throw ApiError.invalid(param, param + " must be a string");
  }

  private static String guessType(@Nullable String fileName) {
    String t = fileName == null ? null : URLConnection.guessContentTypeFromName(fileName);
    return t == null ? Attachment.UNKNOWN_TYPE : t.toLowerCase(Locale.ROOT);
  }
}
