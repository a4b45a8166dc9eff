package dev.switchboard.platform.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /v1/chat/completions} body, reduced to what a turn needs.
 *
 * <p>The API is stateless, like OpenAI's: a request carries the whole conversation. The
 * gateway's agent turns take one user message plus the history the gateway keeps itself, so a
 * request without a session header becomes a one-off conversation whose text is the last user
 * message preceded by a transcript of the earlier ones. With {@code X-Switchboard-Session} the
 * gateway keeps the conversation (like a chat) and only the last user message is sent on.
 *
 * @param session the client's session name, or null for a one-off conversation
 */
record CompletionRequest(
    String model, boolean stream, String text, @Nullable String session) {
  static final String SESSION_HEADER = "X-Switchboard-Session";
  static final int MAX_TEXT_CHARS = 200_000;
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");

  static CompletionRequest parse(ObjectNode body, @Nullable String sessionHeader) throws ApiError {
    JsonNode model = body.path("model");
    if (!model.isString() || model.asString().isBlank()) {
      throw ApiError.invalid("model", "'model' is required: a model id from /v1/models");
    }
    JsonNode stream = body.path("stream");
    if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
      throw ApiError.invalid("stream", "'stream' must be true or false");
    }
    JsonNode n = body.path("n");
    // Compared as the number it is: asInt() throws for one beyond int, such as 4294967297.
    if (!n.isMissingNode()
        && !n.isNull()
        && !(n.isIntegralNumber() && BigInteger.ONE.equals(n.bigIntegerValue()))) {
      throw ApiError.invalid("n", "only n = 1 is supported: the agent gives one answer");
    }
    if (sessionHeader != null && !SESSION.matcher(sessionHeader).matches()) {
      throw ApiError.invalid(
          null, SESSION_HEADER + " must be 1 to 128 letters, digits or" + " . _ : -");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "'messages' must be a non-empty array");
    }
    List<String[]> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asString("");
      if (!ROLES.contains(role)) {
        throw ApiError.invalid(
            "messages[" + i + "].role",
            "messages[" + i + "].role must be"
                + " one of system, developer, user, assistant, tool");
      }
      turns.add(new String[] {role, text(m.path("content"), i)});
    }
    String[] last = turns.getLast();
    if (!last[0].equals("user") || last[1].isBlank()) {
      throw ApiError.invalid("messages", "the last message must be a user message with text");
    }
    String text = sessionHeader != null || turns.size() == 1
        ? last[1]
        : withTranscript(turns.subList(0, turns.size() - 1), last[1]);
    if (text.length() > MAX_TEXT_CHARS) {
      throw new ApiError(
          413,
          "invalid_request_error",
          "messages",
          "context_length_exceeded",
          "the messages add up to " + text.length() + " characters; at most " + MAX_TEXT_CHARS
              + " are accepted");
    }
    return new CompletionRequest(model.asString(), stream.asBoolean(false), text, sessionHeader);
  }

  /** A string, or an array of parts of which the {@code text} ones are joined. */
  private static String text(JsonNode content, int i) throws ApiError {
    if (content.isString()) {
      return content.asString();
    }
    if (content.isNull() || content.isMissingNode()) {
      return "";
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        String type = part.path("type").asString("");
        if (type.equals("text")) {
          sb.append(part.path("text").asString(""));
        } else {
          throw ApiError.invalid(
              "messages[" + i + "].content",
              "content parts of type '" + type + "' are not supported; send text");
        }
      }
      return sb.toString();
    }
    throw ApiError.invalid(
        "messages[" + i + "].content",
        "messages[" + i + "].content must be a string or an array of text parts");
  }

  private static String withTranscript(List<String[]> earlier, String last) {
    StringBuilder sb = new StringBuilder("Earlier in this conversation:\n");
    boolean any = false;
    for (String[] t : earlier) {
      if (!t[1].isBlank()) {
        sb.append('[').append(t[0]).append("] ").append(t[1].strip()).append('\n');
        any = true;
      }
    }
    return any ? sb.append("\nReply to this message:\n").append(last).toString() : last;
  }
}
