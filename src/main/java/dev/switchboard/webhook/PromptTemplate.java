package dev.switchboard.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prompt with {@code {{a.b.c}}} placeholders filled from a JSON payload: each is a path of
 * field names, and of indexes into arrays ({@code {{commits.0.message}}}). A path that leads
 * nowhere is empty; text is put in as it is, numbers and booleans as written, objects and arrays
 * as compact JSON. Each value is cut at {@value #MAX_VALUE} characters and the whole at
 * {@value #MAX_TEXT}, so one huge field cannot make a huge prompt.
 *
 * <p>Written here rather than taken from a Mustache library: this is one substitution rule, and
 * Mustache's sections, partials and HTML escaping would only be more to explain and to misuse.
 */
public final class PromptTemplate {
  static final int MAX_VALUE = 2_000;
  static final int MAX_TEXT = 8_000;
  private static final String CUT = "\u2026";
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A piece of the template: literal text, or a path to fill in. */
  private sealed interface Piece {}

  private record Text(String text) implements Piece {}

  private record Field(List<String> path) implements Piece {}

  private final List<Piece> pieces;

  private PromptTemplate(List<Piece> pieces) {
    this.pieces = List.copyOf(pieces);
  }

  /**
   * Reads {@code template}.
   *
   * @throws IllegalArgumentException saying where a placeholder is unclosed or not a path
   */
  public static PromptTemplate parse(String template) {
    List<Piece> pieces = new ArrayList<>();
    int at = 0;
    while (at < template.length()) {
      int open = template.indexOf("{{", at);
      if (open < 0) {
        pieces.add(new Text(template.substring(at)));
        break;
      }
      if (open > at) {
        pieces.add(new Text(template.substring(at, open)));
      }
      int close = template.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException(
            "the {{ at character " + (open + 1) + " is never closed with }}");
      }
      String path = template.substring(open + 2, close).strip();
      if (!PATH.matcher(path).matches()) {
        throw new IllegalArgumentException("{{" + shorten(path) + "}} at character " + (open + 1)
            + " is not a path such as" + " {{pull_request.title}} or {{commits.0.message}}");
      }
      pieces.add(new Field(List.of(path.split("\\."))));
      at = close + 2;
    }
    return new PromptTemplate(pieces);
  }

  /** The template filled from {@code payload}. */
  public String render(JsonNode payload) {
    StringBuilder out = new StringBuilder();
    for (Piece piece : pieces) {
      switch (piece) {
        case Text t -> out.append(t.text());
        case Field f -> out.append(cut(value(payload, f.path()), MAX_VALUE));
      }
      if (out.length() > MAX_TEXT) {
        break;
      }
    }
    return cut(out.toString(), MAX_TEXT);
  }

  private static String value(JsonNode payload, List<String> path) {
    JsonNode node = payload;
    for (String step : path) {
      if (node.isArray()) {
        node = step.matches("\\d{1,9}") ? node.path(Integer.parseInt(step)) : node.path(-1);
      } else {
        node = node.path(step);
      }
    }
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isString()) {
      return node.asString();
    }
    if (node.isObject() || node.isArray()) {
      return JSON.writeValueAsString(node);
    }
    return node.toString();
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - CUT.length()) + CUT;
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + CUT;
  }
}
