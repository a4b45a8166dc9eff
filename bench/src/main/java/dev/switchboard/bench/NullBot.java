package dev.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The least a bot can do: long-poll getUpdates and answer every message with the same Bot API
 * calls the gateway makes for an echo reply (sendChatAction "typing", then sendMessage with
 * parse_mode HTML), on the same JDK HTTP client set up the same way — and nothing else: no
 * journal, no outbox, no dispatcher. Run in place of the gateway, it shows what the fake
 * server, the HTTP hops and the load driver cost by themselves.
 *
 * <p>Arguments: the fake's base URL and the bot token. Runs until killed.
 */
public final class NullBot {
  private NullBot() {}

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    String token = args[1];
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
        Thread.startVirtualThread(() -> answer(http, json, base, token, chatId, text));
      }
    }
  }

  private static void answer(HttpClient http, JsonMapper json, URI base, String token,
      long chatId, String text) {
    try {
      ObjectNode typing = json.createObjectNode();
      typing.put("chat_id", chatId);
      typing.put("action", "typing");
      Thread.startVirtualThread(() -> {
        try {
          call(http, json, base, token, "sendChatAction", typing, Duration.ofSeconds(30));
        } catch (Exception e) {
          System.err.println("sendChatAction failed: " + e);
        }
      });
      ObjectNode send = json.createObjectNode();
      send.put("chat_id", chatId);
      send.put("text", escape(text));
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

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
