package dev.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The least a bot can do: long-poll getUpdates and answer every message with the same Bot API
 * calls the gateway makes for an echo reply (sendMessage with parse_mode HTML, and
 * sendChatAction "typing" only when the answer takes longer than the gateway's default
 * {@code agent.typing_delay}), on a JDK HTTP client — and nothing else: no
 * journal, no outbox, no dispatcher. Run in place of the gateway, it shows what the fake
 * server, the HTTP hops and the load driver cost by themselves.
 *
 * <p>With a model ({@code --backend openai}) it asks it first, as the gateway's openai backend
 * does: one streamed Chat Completions request with the user's message, its deltas read to
 * {@code [DONE]}, and the answer sent.
 *
 * <p>Arguments: the fake's base URL and the bot token, then optionally the model's base URL and
 * name. Runs until killed.
 */
public final class NullBot {
  private NullBot() {}

  /** The gateway's default {@code agent.typing_delay}. */
  private static final Duration TYPING_DELAY = Duration.ofMillis(500);

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String token = args[1];
    Model model = args.length >= 4 ? new Model(URI.create(args[2]), args[3]) : null;
    JsonMapper json = JsonMapper.builder().build();
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    long offset = 0;
    while (true) {
      ObjectNode poll = json.createObjectNode();
      poll.put("offset", offset);
      poll.put("timeout", 25);
      poll.putArray("allowed_updates").add("message");
      JsonNode updates = call(http, json, base, token, "getUpdates", poll, Duration.ofSeconds(40));
      for (JsonNode u : updates) {
        offset = Math.max(offset, u.path("update_id").asLong() + 1);
        JsonNode m = u.path("message");
        long chatId = m.path("chat").path("id").asLong();
        String text = m.path("text").asString("");
        Thread.startVirtualThread(() -> answer(http, json, base, token, chatId, text, model));
      }
    }
  }

  /** A model to ask: an OpenAI-compatible base URL ({@code .../v1}) and a model name. */
  record Model(URI base, String name) {}

  private static void answer(HttpClient http, JsonMapper json, URI base, String token,
      long chatId, String text, Model model) {
    try {
      ObjectNode typing = json.createObjectNode();
      typing.put("chat_id", chatId);
      typing.put("action", "typing");
      CountDownLatch answered = new CountDownLatch(1);
      Thread.startVirtualThread(() -> {
        try {
          if (!answered.await(TYPING_DELAY.toMillis(), TimeUnit.MILLISECONDS)) {
            call(http, json, base, token, "sendChatAction", typing, Duration.ofSeconds(30));
          }
        } catch (Exception e) {
          System.err.println("sendChatAction failed: " + e);
        }
      });
      String answer;
      try {
        answer = model == null ? text : ask(http, json, model, text);
      } finally {
        answered.countDown();
      }
      ObjectNode send = json.createObjectNode();
      send.put("chat_id", chatId);
      send.put("text", escape(answer));
      send.put("parse_mode", "HTML");
      send.putObject("link_preview_options").put("is_disabled", true);
      call(http, json, base, token, "sendMessage", send, Duration.ofSeconds(30));
    } catch (Exception e) {
      System.err.println("sendMessage failed: " + e);
    }
  }

  static JsonNode call(HttpClient http, JsonMapper json, URI base, String token, String method,
      ObjectNode params, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/bot" + token + "/" + method))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(params.toString(), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response = http.send(request,
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode body = json.readTree(response.body());
    if (!body.path("ok").asBoolean(false)) {
      throw new IllegalStateException(method + " failed: " + response.body());
    }
    return body.path("result");
  }

  /** One streamed Chat Completions call; the deltas' content joined. */
  static String ask(HttpClient http, JsonMapper json, Model model, String text) throws Exception {
    ObjectNode body = json.createObjectNode();
    body.put("model", model.name());
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", text);
    HttpRequest request = HttpRequest.newBuilder(URI.create(model.base() + "/chat/completions"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build();
    HttpResponse<java.util.stream.Stream<String>> response = http.send(request,
        HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the model answered " + response.statusCode());
    }
    StringBuilder answer = new StringBuilder();
    try (java.util.stream.Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!line.startsWith("data:")) {
          continue;
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
          break;
        }
        JsonNode delta = json.readTree(data).path("choices").path(0).path("delta");
        answer.append(delta.path("content").asString(""));
      }
    }
    return answer.toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
