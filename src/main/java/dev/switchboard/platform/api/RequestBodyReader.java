package dev.switchboard.platform.api;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a request body kept on disk ({@link RequestSpool}) into a JSON tree without holding
 * its files in memory: the strings that carry a file's bytes (an {@code image_url}'s {@code
 * url}, an {@code input_audio}'s {@code data}, a {@code file}'s {@code file_data}) are left
 * where they are and stand in the tree as a {@link BodySlice} (a POJO node) to be read as a
 * stream ({@code files[*].file_data} of a send too). Everything else is read as usual, and may add up to {@link #MAX_JSON_BYTES}: the
 * limit every other body of the server has.
 */
final class RequestBodyReader {
  /** The body's JSON apart from the strings that carry files. */
  static final long MAX_JSON_BYTES = 1 << 20;

  static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxStringLength((int) MAX_JSON_BYTES)
              .build())
          .build())
      .build();

  /**
   * Where a file's bytes are: messages[*].content[*].{image_url.url, input_audio.data, ...}, and
   * a send's files[*].file_data ({@code POST /v1/send}).
   */
  private static final List<List<String>> FILE_STRINGS = List.of(
      List.of("messages", "*", "content", "*", "image_url", "url"),
      List.of("messages", "*", "content", "*", "input_audio", "data"),
      List.of("messages", "*", "content", "*", "file", "file_data"),
      List.of("files", "*", "file_data"));

  private final Path body;
  private final JsonParser parser;
  private final List<String> path = new ArrayList<>();
  private long fileBytes;
  private long fileStart = -1;

  private RequestBodyReader(Path body, JsonParser parser) {
    this.body = body;
    this.parser = parser;
  }

  /** The body as a JSON object; a 400 (or 413) naming what is wrong when it is not one. */
  static ObjectNode read(Path body) throws ApiError, IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(body), 64 * 1024);
        JsonParser parser = MAPPER.createParser(in)) {
      RequestBodyReader reader = new RequestBodyReader(body, parser);
      JsonToken first = reader.next();
      if (first != JsonToken.START_OBJECT) {
        throw ApiError.invalid(null, "the body must be a JSON object");
      }
      ObjectNode root = reader.object();
      if (reader.next() != null) {
        throw ApiError.invalid(null, "the body is not valid JSON: more follows its object");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new ApiError(
          413,
          "invalid_request_error",
          null,
          null,
          "the body nests too deeply, or holds too long a number or string (text may be at most"
              + " " + MAX_JSON_BYTES + " bytes; files go in image_url, input_audio or file"
              + " parts)");
    } catch (JacksonException e) {
      throw ApiError.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private JsonToken next() throws ApiError {
    JsonToken t = parser.nextToken();
    long at = parser.currentTokenLocation().getByteOffset();
    if (fileStart >= 0) {
      fileBytes += at - fileStart;
      fileStart = -1;
    }
    if (at - fileBytes > MAX_JSON_BYTES) {
      throw new ApiError(
          413,
          "invalid_request_error",
          null,
          null,
          "the body's JSON apart from its files is larger than " + MAX_JSON_BYTES + " bytes");
    }
    return t;
  }

  private ObjectNode object() throws ApiError {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (JsonToken t = next(); t != JsonToken.END_OBJECT; t = next()) {
      String name = parser.currentName();
      path.add(name);
      node.set(name, value(next()));
      path.removeLast();
    }
    return node;
  }

  private ArrayNode array() throws ApiError {
    ArrayNode node = JsonNodeFactory.instance.arrayNode();
    path.add("*");
    for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
      node.add(value(t));
    }
    path.removeLast();
    return node;
  }

  private JsonNode value(JsonToken t) throws ApiError {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (t) {
      case START_OBJECT -> object();
      case START_ARRAY -> array();
      case VALUE_STRING -> {
        if (FILE_STRINGS.contains(path)) {
          // Not read: the next token's offset tells how much of the body it took.
          fileStart = parser.currentTokenLocation().getByteOffset();
          yield f.pojoNode(new BodySlice(body, fileStart));
        }
        yield f.stringNode(parser.getString());
      }
      case VALUE_NUMBER_INT ->
        switch (parser.getNumberType()) {
          case INT -> f.numberNode(parser.getIntValue());
          case LONG -> f.numberNode(parser.getLongValue());
          default -> f.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT -> f.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> f.booleanNode(true);
      case VALUE_FALSE -> f.booleanNode(false);
      case VALUE_NULL -> f.nullNode();
      default -> throw ApiError.invalid(null, "the body is not valid JSON: unexpected " + t);
    };
  }
}
