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
 * message preceded by a transcript of the earlier ones, and whose files are those of all its
 * user messages (as OpenAI's models see every image of a conversation sent again). With {@code
 * X-Switchboard-Session} the gateway keeps the conversation (like a chat) and only the last user
 * message, with its files, is sent on.
 *
 * @param session the client's session name, or null for a one-off conversation
 * @param files the files that go to the agent with the text, in the order they were sent
 */
record CompletionRequest(
    String model, boolean stream, String text, @Nullable String session, List<FilePart> files) {
  static final String SESSION_HEADER = "X-Switchboard-Session";
  static final int MAX_TEXT_CHARS = 200_000;
  static final int MAX_FILES = 50;
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");

  CompletionRequest {
    files = List.copyOf(files);
  }

  /** What an earlier message is in the transcript: its role, text and files. */
  private record Turn(String role, ContentParts.Content content) {}

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
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asString("");
      if (!ROLES.contains(role)) {
        throw ApiError.invalid(
            "messages[" + i + "].role",
            "messages[" + i + "].role must be"
                + " one of system, developer, user, assistant, tool");
      }
      turns.add(new Turn(role, ContentParts.read(m.path("content"), i, role.equals("user"))));
    }
    Turn last = turns.getLast();
    if (!last.role().equals("user")
        || (last.content().text().isBlank() && last.content().files().isEmpty())) {
      throw ApiError.invalid(
          "messages", "the last message must be a user message with text or a file");
    }
    boolean oneOff = sessionHeader == null && turns.size() > 1;
    String text = oneOff
        ? withTranscript(turns.subList(0, turns.size() - 1), last.content().text())
        : last.content().text();
    if (text.length() > MAX_TEXT_CHARS) {
      throw new ApiError(
          413,
          "invalid_request_error",
          "messages",
          "context_length_exceeded",
          "the messages add up to " + text.length() + " characters; at most " + MAX_TEXT_CHARS
              + " are accepted");
    }
    List<FilePart> files = new ArrayList<>();
    for (Turn t : oneOff ? turns : List.of(last)) {
      files.addAll(t.content().files());
    }
    if (files.size() > MAX_FILES) {
      throw ApiError.invalid(
          "messages",
          "the messages carry " + files.size() + " files; at most " + MAX_FILES
              + " are accepted in one request");
    }
    return new CompletionRequest(
        model.asString(), stream.asBoolean(false), text, sessionHeader, files);
  }

  private static String withTranscript(List<Turn> earlier, String last) {
    StringBuilder sb = new StringBuilder("Earlier in this conversation:\n");
    boolean any = false;
    for (Turn t : earlier) {
      String said = t.content().text().strip();
      for (FilePart f : t.content().files()) {
        // the file itself goes with the request; the transcript says where it was sent
        said = (said + " [" + kindWord(f) + "]").strip();
      }
      if (!said.isEmpty()) {
        sb.append('[').append(t.role()).append("] ").append(said).append('\n');
        any = true;
      }
    }
    return any ? sb.append("\nReply to this message:\n").append(last).toString() : last;
  }

  private static String kindWord(FilePart f) {
    return switch (f) {
      case FilePart.Inline i ->
        i.fileName() != null ? i.kind().word() + ": " + i.fileName() : i.kind().word();
      case FilePart.WebImage w -> "image";
    };
  }
}
