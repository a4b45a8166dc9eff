package dev.switchboard.platform.telegram.fake;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.util.thread.Invocable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parameters of one Bot API call, merged from the query string and the body
 * ({@code application/x-www-form-urlencoded}, {@code application/json} or {@code
 * multipart/form-data}; the body wins), with the lenient conversions the Bot API applies: numbers
 * may come as strings, and nested values (arrays, objects) may come as JSON text in form fields.
 * In a multipart body, a part with a filename is an uploaded file ({@link #upload}), any other
 * part a parameter; the body is read with Jetty's RFC 7578 parser, so a malformed one is a 400.
 */
final class ApiRequest {
  private final JsonMapper json;
  private final ObjectNode params;
  private final Map<String, Upload> uploads;

  private ApiRequest(JsonMapper json, ObjectNode params, Map<String, Upload> uploads) {
    this.json = json;
    this.params = params;
    this.uploads = uploads;
  }

  static ApiRequest of(JsonMapper json, ObjectNode params) {
    return new ApiRequest(json, params, Map.of());
  }

  /** Parses the raw query string and body; throws a 400 for a body it cannot read. */
  static ApiRequest parse(JsonMapper json, String rawQuery, String contentType, byte[] body) {
    ObjectNode params = json.createObjectNode();
    Map<String, Upload> uploads = new LinkedHashMap<>();
    putForm(params, rawQuery);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    String text = new String(body, StandardCharsets.UTF_8);
    if (type.startsWith("application/json")) {
      if (!text.isBlank()) {
        JsonNode tree;
        try {
          tree = json.readTree(text);
        } catch (JacksonException e) {
          throw ApiException.badRequest("can't parse JSON object");
        }
        if (!tree.isObject()) {
          throw ApiException.badRequest("can't parse JSON object");
        }
        params.setAll((ObjectNode) tree);
      }
    } else if (type.startsWith("multipart/form-data")) {
      putMultipart(params, uploads, contentType, body);
    } else {
      putForm(params, text);
    }
    return new ApiRequest(json, params, uploads);
  }

  private static void putMultipart(
      ObjectNode params, Map<String, Upload> uploads, String contentType, byte[] body) {
    String boundary = MultiPart.extractBoundary(contentType);
    if (boundary == null) {
      throw ApiException.badRequest("multipart/form-data without a boundary");
    }
    MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
    parser.setMaxMemoryFileSize(Long.MAX_VALUE); // files stay in memory: no directory to clean
    MultiPartFormData.Parts parts;
    try {
      parts = parser
          .parse(
              new ByteBufferContentSource(ByteBuffer.wrap(body)),
              Invocable.InvocationType.NON_BLOCKING)
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw ApiException.badRequest("can't parse multipart/form-data: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.badRequest("interrupted");
    }
    try (parts) {
      for (MultiPart.Part part : parts) {
        if (part.getName() == null) {
          throw ApiException.badRequest("multipart part without a name");
        }
        if (part.getFileName() != null) {
          uploads.put(
              part.getName(),
              new Upload(
                  part.getName(),
                  part.getFileName(),
                  part.getHeaders().get(HttpHeader.CONTENT_TYPE),
                  bytes(part)));
        } else {
          params.put(part.getName(), part.getContentAsString(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static byte[] bytes(MultiPart.Part part) {
    try (InputStream in = Content.Source.asInputStream(part.getContentSource())) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw ApiException.badRequest("can't read multipart part " + part.getName());
    }
  }

  private static void putForm(ObjectNode params, String raw) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
  }

  /** The file uploaded in multipart field {@code name}, if one was. */
  Optional<Upload> upload(String name) {
    return Optional.ofNullable(uploads.get(name));
  }

  /** Every uploaded file, in the order of the body. */
  List<Upload> uploads() {
    return List.copyOf(uploads.values());
  }

  /** A copy of all parameters as received. */
  ObjectNode params() {
    return params.deepCopy();
  }

  boolean has(String name) {
    JsonNode node = params.get(name);
    return node != null
        && !node.isNull()
        && !(node.isString() && node.stringValue().isEmpty());
  }

  /** The parameter as text: strings as they are, numbers and booleans as written. */
  Optional<String> string(String name) {
    JsonNode node = params.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isString()) {
      return Optional.of(node.stringValue());
    }
    if (node.isValueNode()) {
      return Optional.of(node.asString());
    }
    return Optional.of(node.toString());
  }

  /** An integer parameter; empty when absent or not an integer. */
  OptionalLong longValue(String name) {
    JsonNode node = params.get(name);
    if (node == null || node.isNull()) {
      return OptionalLong.empty();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return OptionalLong.of(node.longValue());
    }
    if (node.isString()) {
      try {
        return OptionalLong.of(Long.parseLong(node.stringValue().strip()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /**
   * An integer argument the Bot API way: absent means {@code dflt}, text that is not a number
   * reads as 0, and the value is clamped to {@code [min, max]}.
   */
  int intArg(String name, int dflt, int min, int max) {
    if (!has(name)) {
      return dflt;
    }
    long value = longValue(name).orElse(0);
    return (int) Math.max(min, Math.min(max, value));
  }

  /** A Boolean parameter: JSON true, or "true"/"True"/"1" as text. */
  boolean bool(String name) {
    JsonNode node = params.get(name);
    if (node == null || node.isNull()) {
      return false;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = node.isString() ? node.stringValue() : node.asString();
    return text.equals("true") || text.equals("True") || text.equals("1");
  }

  /**
   * A nested JSON value (array or object), whether sent as JSON or as JSON text; throws a 400
   * naming the parameter when the text is not JSON.
   */
  Optional<JsonNode> nested(String name) {
    JsonNode node = params.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isString()) {
      return Optional.of(node);
    }
    if (node.stringValue().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readTree(node.stringValue()));
    } catch (JacksonException e) {
      throw ApiException.badRequest("can't parse " + name + " JSON object");
    }
  }
}
