package dev.switchboard.platform.telegram.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake against the published Bot API, through a plain HTTP client. */
class FakeTelegramServerTest {
  private static final String TOKEN = "123456:TEST-token_x";
  private static final String BOT = "switchboard_test_bot";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private FakeTelegramServer tg;
  private HttpClient http;

  record Reply(int status, JsonNode body) {
    JsonNode result() {
      return body.get("result");
    }

    String description() {
      return body.path("description").asString("");
    }
  }

  @BeforeEach
  void start() {
    tg = FakeTelegramServer.start(TOKEN, BOT);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    tg.close();
    http.close();
  }

  private URI uri(String method) {
    return URI.create(tg.baseUrl() + "/bot" + TOKEN + "/" + method);
  }

  private HttpRequest jsonRequest(String method, Map<String, ?> params) {
    return HttpRequest.newBuilder(uri(method))
        .timeout(Duration.ofSeconds(70))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(params)))
        .build();
  }

  private Reply call(String method, Map<String, ?> params) throws Exception {
    return reply(http.send(jsonRequest(method, params), HttpResponse.BodyHandlers.ofString()));
  }

  private Reply call(String method) throws Exception {
    return call(method, Map.of());
  }

  private CompletableFuture<Reply> callAsync(String method, Map<String, ?> params) {
    return http.sendAsync(jsonRequest(method, params), HttpResponse.BodyHandlers.ofString())
        .thenApply(FakeTelegramServerTest::reply);
  }

  private Reply form(String method, Map<String, String> params) throws Exception {
    String body = params.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(uri(method))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return reply(http.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  private static Reply reply(HttpResponse<String> response) {
    return new Reply(response.statusCode(), JSON.readTree(response.body()));
  }

  private Reply send(long chatId, String text, String parseMode) throws Exception {
    return parseMode == null
        ? call("sendMessage", Map.of("chat_id", chatId, "text", text))
        : call("sendMessage", Map.of("chat_id", chatId, "text", text, "parse_mode", parseMode));
  }

  private static List<Long> updateIds(Reply r) {
    return r.result().valueStream().map(u -> u.get("update_id").longValue()).toList();
  }

  // ---- routing and the envelope ----

  @Test
  void getMeDescribesTheBotOverGetAndPost() throws Exception {
    Reply post = call("getMe");
    assertThat(post.status()).isEqualTo(200);
    assertThat(post.body().get("ok").booleanValue()).isTrue();
    JsonNode me = post.result();
    assertThat(me.get("id").longValue()).isEqualTo(123456L);
    assertThat(me.get("is_bot").booleanValue()).isTrue();
    assertThat(me.get("first_name").asString()).isEqualTo(BOT);
    assertThat(me.get("username").asString()).isEqualTo(BOT);

    HttpResponse<String> get = http.send(
        HttpRequest.newBuilder(URI.create(tg.baseUrl() + "/bot" + TOKEN + "/GETME"))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply(get).result()).isEqualTo(me);
  }

  @Test
  void wrongTokenIsUnauthorizedAndUnknownMethodNotFound() throws Exception {
    HttpResponse<String> wrong = http.send(
        HttpRequest.newBuilder(URI.create(tg.baseUrl() + "/bot999:nope/getMe"))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.body()))
        .isEqualTo(
            JSON.readTree("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"));

    Reply unknown = call("sendTelepathy");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body())
        .isEqualTo(
            JSON.readTree("{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}"));
    assertThat(tg.calls("sendTelepathy"))
        .singleElement()
        .satisfies(c -> assertThat(c.httpStatus()).isEqualTo(404));
  }

  @Test
  void queryStringFormAndJsonParametersAllWork() throws Exception {
    tg.registerPrivateChat(5);
    HttpResponse<String> viaQuery = http.send(
        HttpRequest.newBuilder(URI.create(uri("sendMessage") + "?chat_id=5&text="
                + URLEncoder.encode("hi there", StandardCharsets.UTF_8)))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply(viaQuery).result().get("text").asString()).isEqualTo("hi there");

    int first = reply(viaQuery).result().get("message_id").intValue();
    Reply viaForm = form(
        "sendMessage",
        Map.of(
            "chat_id",
            "5",
            "text",
            "re",
            "reply_parameters",
            "{\"message_id\":" + first + "}",
            "link_preview_options",
            "{\"is_disabled\":true}"));
    assertThat(viaForm.status()).isEqualTo(200);
    assertThat(viaForm.result().get("reply_to_message").get("message_id").intValue())
        .isEqualTo(first);
    assertThat(viaForm.result().get("link_preview_options").get("is_disabled").booleanValue())
        .isTrue();
    assertThat(tg.messages(5))
        .extracting(BotMessage::replyToMessageId)
        .containsExactly(null, first);
    assertThat(tg.calls("sendMessage").get(1).params().get("chat_id").asString())
        .isEqualTo("5");
  }

  // ---- getUpdates ----

  @Test
  void offsetConfirmsEverythingBelowIt() throws Exception {
    long a = tg.privateMessage(1, "a");
    long b = tg.privateMessage(1, "b");
    long c = tg.privateMessage(2, "c");
    assertThat(List.of(b, c)).containsExactly(a + 1, a + 2);

    assertThat(updateIds(call("getUpdates"))).containsExactly(a, b, c);
    assertThat(updateIds(call("getUpdates")))
        .as("unconfirmed updates come again")
        .containsExactly(a, b, c);
    assertThat(tg.confirmedUpToUpdateId()).isZero();

    Reply fromB = call("getUpdates", Map.of("offset", b));
    assertThat(updateIds(fromB)).containsExactly(b, c);
    assertThat(tg.confirmedUpToUpdateId()).isEqualTo(a);
    assertThat(tg.pendingUpdates()).isEqualTo(2);

    assertThat(updateIds(call("getUpdates", Map.of("offset", c + 1)))).isEmpty();
    assertThat(tg.confirmedUpToUpdateId()).isEqualTo(c);
    assertThat(tg.pendingUpdates()).isZero();

    long d = tg.privateMessage(1, "d");
    long e = tg.privateMessage(1, "e");
    long f = tg.privateMessage(1, "f");
    assertThat(updateIds(call("getUpdates", Map.of("limit", 2)))).containsExactly(d, e);
    assertThat(updateIds(call("getUpdates", Map.of("limit", 0))))
        .as("limit is clamped to 1")
        .containsExactly(d);
    assertThat(updateIds(call("getUpdates", Map.of("offset", -1))))
        .as("-1: the last one only")
        .containsExactly(f);
    assertThat(tg.pendingUpdates()).as("the ones before it are forgotten").isEqualTo(1);
    assertThat(tg.confirmedUpToUpdateId()).isEqualTo(e);
  }

  @Test
  void privateMessageUpdateHasTheApiShape() throws Exception {
    tg.registerUser(77, "Ada", "Lovelace", "ada");
    long id = tg.privateMessage(77, "/start@" + BOT + " hello @charles_b");
    JsonNode update = call("getUpdates").result().get(0);
    assertThat(update.get("update_id").longValue()).isEqualTo(id);
    JsonNode m = update.get("message");
    assertThat(m.get("message_id").intValue()).isEqualTo(1);
    assertThat(m.get("date").longValue()).isPositive();
    assertThat(m.get("from"))
        .isEqualTo(JSON.readTree("{\"id\":77,\"is_bot\":false,"
            + "\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"username\":\"ada\","
            + "\"language_code\":\"en\"}"));
    assertThat(m.get("chat"))
        .isEqualTo(JSON.readTree("{\"id\":77,\"type\":\"private\","
            + "\"username\":\"ada\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}"));
    int commandLength = ("/start@" + BOT).length();
    assertThat(m.get("entities"))
        .isEqualTo(JSON.readTree("[{\"offset\":0,\"length\":"
            + commandLength + ",\"type\":\"bot_command\"},{\"offset\":" + (commandLength + 7)
            + ",\"length\":10,\"type\":\"mention\"}]"));
    assertThat(m.has("message_thread_id")).isFalse();
  }

  @Test
  void longPollReturnsAsSoonAsAnUpdateArrives() throws Exception {
    CompletableFuture<Reply> poll = callAsync("getUpdates", Map.of("timeout", 30));
    tg.awaitLongPoll(WAIT);
    long injected = System.nanoTime();
    long id = tg.privateMessage(3, "wake up");
    Reply r = poll.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - injected)).isLessThan(Duration.ofSeconds(3));
    assertThat(updateIds(r)).containsExactly(id);
    assertThat(r.result().get(0).get("message").get("text").asString()).isEqualTo("wake up");
  }

  @Test
  void longPollWithoutUpdatesWaitsForItsTimeout() throws Exception {
    long start = System.nanoTime();
    Reply r = call("getUpdates", Map.of("timeout", 1));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().isArray()).isTrue();
    assertThat(r.result().isEmpty()).isTrue();
  }

  @Test
  void aNewerGetUpdatesEndsTheOlderWith409() throws Exception {
    CompletableFuture<Reply> older = callAsync("getUpdates", Map.of("timeout", 30));
    tg.awaitLongPoll(WAIT);
    CompletableFuture<Reply> newer = callAsync("getUpdates", Map.of("timeout", 1));

    Reply ended = older.get(10, TimeUnit.SECONDS);
    assertThat(ended.status()).isEqualTo(409);
    assertThat(ended.body())
        .isEqualTo(JSON.readTree("{\"ok\":false,\"error_code\":409,"
            + "\"description\":\"Conflict: terminated by other getUpdates request; make sure that"
            + " only one bot instance is running\"}"));
    assertThat(newer.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void conflictFloodAnswersEveryPollWith409() throws Exception {
    tg.conflictFlood(true);
    assertThat(call("getUpdates").status()).isEqualTo(409);
    assertThat(call("getUpdates").description()).startsWith("Conflict: terminated by other");
    tg.conflictFlood(false);
    assertThat(call("getUpdates").status()).isEqualTo(200);
  }

  @Test
  void redeliveredUpdateComesAgainWithItsId() throws Exception {
    long id = tg.privateMessage(9, "once");
    JsonNode first = call("getUpdates").result().get(0);
    assertThat(updateIds(call("getUpdates", Map.of("offset", id + 1)))).isEmpty();

    tg.redeliver(id);
    Reply again = call("getUpdates", Map.of("offset", id + 1));
    assertThat(again.result()).containsExactly(first);
    assertThat(updateIds(call("getUpdates", Map.of("offset", id + 1)))).isEmpty();
    assertThat(tg.pendingUpdates()).isZero();
  }

  // ---- webhooks ----

  @Test
  void webhookReceivesUpdatesWithTheSecretAndRetriesUntil2xx() throws Exception {
    BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    BlockingQueue<Integer> statuses = new LinkedBlockingQueue<>(List.of(500));
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
    receiver.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new String[] {
        exchange.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token"),
        new String(body, StandardCharsets.UTF_8)
      });
      Integer status = statuses.poll();
      exchange.sendResponseHeaders(status == null ? 200 : status, -1);
      exchange.close();
    });
    receiver.start();
    try {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
      Reply set = call("setWebhook", Map.of("url", url, "secret_token", "s3cret_-X"));
      assertThat(set.result().booleanValue()).isTrue();
      assertThat(set.description()).isEqualTo("Webhook was set");

      long id = tg.privateMessage(4, "to the hook");
      String[] firstTry = received.poll(10, TimeUnit.SECONDS);
      String[] secondTry = received.poll(10, TimeUnit.SECONDS);
      assertThat(firstTry).isNotNull();
      assertThat(secondTry).isNotNull();
      assertThat(firstTry[0]).isEqualTo("s3cret_-X");
      assertThat(secondTry[1]).isEqualTo(firstTry[1]);
      JsonNode update = JSON.readTree(secondTry[1]);
      assertThat(update.get("update_id").longValue()).isEqualTo(id);
      assertThat(update.get("message").get("text").asString()).isEqualTo("to the hook");
      await().atMost(WAIT).until(() -> tg.confirmedUpToUpdateId() == id);
      assertThat(tg.pendingUpdates()).isZero();

      JsonNode info = call("getWebhookInfo").result();
      assertThat(info.get("url").asString()).isEqualTo(url);
      assertThat(info.get("pending_update_count").intValue()).isZero();
      assertThat(info.get("last_error_message").asString())
          .isEqualTo("Wrong response from the webhook: 500 Internal Server Error");

      Reply poll = call("getUpdates");
      assertThat(poll.status()).isEqualTo(409);
      assertThat(poll.description())
          .isEqualTo("Conflict: can't use getUpdates method while"
              + " webhook is active; use deleteWebhook to delete the webhook first");

      assertThat(call("deleteWebhook").description()).isEqualTo("Webhook was deleted");
      assertThat(call("deleteWebhook").description()).isEqualTo("Webhook is already deleted");
      assertThat(call("getWebhookInfo").result().get("url").asString()).isEmpty();
      assertThat(call("getUpdates").status()).isEqualTo(200);
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void setWebhookEndsAWaitingPollAndDropsPendingOnRequest() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/nobody-listens";
    CompletableFuture<Reply> poll = callAsync("getUpdates", Map.of("timeout", 30));
    tg.awaitLongPoll(WAIT);
    assertThat(call("setWebhook", Map.of("url", url)).status()).isEqualTo(200);
    Reply ended = poll.get(10, TimeUnit.SECONDS);
    assertThat(ended.status()).isEqualTo(409);
    assertThat(ended.description()).isEqualTo("Conflict: terminated by setWebhook request");

    tg.privateMessage(1, "undeliverable");
    await().atMost(WAIT).until(() -> call("getWebhookInfo").result().has("last_error_date"));
    assertThat(tg.pendingUpdates()).isEqualTo(1);
    Reply again = call("setWebhook", Map.of("url", url, "drop_pending_updates", true));
    assertThat(again.description()).isEqualTo("Webhook is already set");
    assertThat(tg.pendingUpdates()).isZero();

    Reply bad = call("setWebhook", Map.of("url", url, "secret_token", "no spaces"));
    assertThat(bad.description())
        .isEqualTo("Bad Request: secret token contains unallowed characters");
  }

  // ---- sending and editing ----

  @Test
  void sendMessageReturnsTheMessage() throws Exception {
    tg.registerUser(5, "Bo", null, null);
    tg.registerPrivateChat(5);
    Reply r = send(5, "hello", null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode m = r.result();
    assertThat(m.get("message_id").intValue()).isEqualTo(1);
    assertThat(m.get("from").get("id").longValue()).isEqualTo(123456L);
    assertThat(m.get("from").get("is_bot").booleanValue()).isTrue();
    assertThat(m.get("chat"))
        .isEqualTo(JSON.readTree("{\"id\":5,\"type\":\"private\",\"first_name\":\"Bo\"}"));
    assertThat(m.get("date").longValue()).isPositive();
    assertThat(m.get("text").asString()).isEqualTo("hello");
    assertThat(m.has("entities")).isFalse();
    assertThat(send(5, "again", null).result().get("message_id").intValue()).isEqualTo(2);
    tg.privateMessage(5, "user says");
    assertThat(send(5, "third", null).result().get("message_id").intValue())
        .as("users and the bot share one message id sequence per chat")
        .isEqualTo(4);
  }

  @Test
  void unknownChatsEmptyTextsAndBadParameters() throws Exception {
    assertThat(send(404, "hi", null).description()).isEqualTo("Bad Request: chat not found");
    assertThat(call("sendMessage", Map.of("text", "hi")).description())
        .isEqualTo("Bad Request: chat_id is empty");
    tg.registerPrivateChat(5);
    assertThat(send(5, "", null).description()).isEqualTo("Bad Request: message text is empty");
    assertThat(send(5, " \n\t ", null).description())
        .isEqualTo("Bad Request: message text is empty");
    assertThat(send(5, "<b> </b>", "HTML").description())
        .isEqualTo("Bad Request: message text is empty");
    assertThat(send(5, "x", "Markdown").status()).isEqualTo(400);
    Reply trimmed = send(5, "  <b>x</b>  ", "HTML");
    assertThat(trimmed.result().get("text").asString()).isEqualTo("x");
    assertThat(trimmed.result().get("entities").get(0).get("offset").intValue()).isZero();
  }

  @Test
  void htmlParseErrorsAreReportedLikeTelegram() throws Exception {
    tg.registerPrivateChat(5);
    Reply unclosed = send(5, "<b>bold", "HTML");
    assertThat(unclosed.status()).isEqualTo(400);
    assertThat(unclosed.body())
        .isEqualTo(JSON.readTree("{\"ok\":false,\"error_code\":400,"
            + "\"description\":\"Bad Request: can't parse entities: Can't find end tag corresponding"
            + " to start tag \\\"b\\\"\"}"));
    assertThat(send(5, "<div>x</div>", "HTML").description())
        .isEqualTo(
            "Bad Request: can't parse entities: Unsupported start tag \"div\" at byte offset 0");
    assertThat(send(5, "5 < 6", "html").description())
        .isEqualTo(
            "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2");
    assertThat(send(5, "<b>x</b>", null).result().get("text").asString())
        .as("without parse_mode the markup is text")
        .isEqualTo("<b>x</b>");
    assertThat(tg.messages(5)).hasSize(1);
  }

  @Test
  void entityOffsetsCountUtf16Units() throws Exception {
    tg.registerPrivateChat(5);
    Reply r = send(5, "😀 <b>hi</b> 👍🏽 <a href=\"https://example.org/x\">link</a>", "HTML");
    assertThat(r.result().get("text").asString()).isEqualTo("😀 hi 👍🏽 link");
    assertThat(r.result().get("entities"))
        .isEqualTo(JSON.readTree("[{\"offset\":3,"
            + "\"length\":2,\"type\":\"bold\"},{\"offset\":11,\"length\":4,\"type\":\"text_link\","
            + "\"url\":\"https://example.org/x\"}]"));
    BotMessage stored = tg.messages(5).getFirst();
    assertThat(stored.parseMode()).isEqualTo("HTML");
    assertThat(stored.rawTexts())
        .containsExactly("😀 <b>hi</b> 👍🏽 <a href=\"https://example.org/x\">link</a>");
  }

  @Test
  void textLongerThan4096Utf16UnitsIsTooLong() throws Exception {
    tg.registerPrivateChat(5);
    assertThat(send(5, "a".repeat(4096), null).status()).isEqualTo(200);
    Reply tooLong = send(5, "a".repeat(4097), null);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.description()).isEqualTo("Bad Request: message is too long");
    assertThat(send(5, "<b>" + "a".repeat(4096) + "</b>", "HTML").status())
        .as("markup does not count")
        .isEqualTo(200);
    assertThat(send(5, "😀".repeat(2048), null).status()).isEqualTo(200);
    assertThat(send(5, "😀".repeat(2049), null).description())
        .isEqualTo("Bad Request: message is too long");
  }

  @Test
  void editingChecksTheMessageAndItsContent() throws Exception {
    tg.registerPrivateChat(5);
    int id = send(5, "<b>draft</b>", "HTML").result().get("message_id").intValue();

    Reply same = call(
        "editMessageText",
        Map.of(
            "chat_id",
            5,
            "message_id",
            id,
            "text",
            "<strong>draft</strong>",
            "parse_mode",
            "HTML"));
    assertThat(same.status()).isEqualTo(400);
    assertThat(same.description())
        .isEqualTo("Bad Request: message is not modified: specified"
            + " new message content and reply markup are exactly the same as a current content and"
            + " reply markup of the message");

    Reply plain = call("editMessageText", Map.of("chat_id", 5, "message_id", id, "text", "draft"));
    assertThat(plain.status()).as("same text without bold is a change").isEqualTo(200);
    assertThat(plain.result().get("edit_date").longValue()).isPositive();
    assertThat(plain.result().has("entities")).isFalse();

    Reply missing = call("editMessageText", Map.of("chat_id", 5, "message_id", 999, "text", "x"));
    assertThat(missing.description()).isEqualTo("Bad Request: message to edit not found");

    BotMessage m = tg.messages(5).getFirst();
    assertThat(m.text()).isEqualTo("draft");
    assertThat(m.entities()).isEmpty();
    assertThat(m.editCount()).isEqualTo(1);
    assertThat(m.parseMode()).isNull();
    assertThat(m.rawTexts()).containsExactly("<b>draft</b>", "draft");
  }

  @Test
  void chatActionsAndCommands() throws Exception {
    tg.registerPrivateChat(5);
    assertThat(call("sendChatAction", Map.of("chat_id", 5, "action", "typing"))
            .result()
            .booleanValue())
        .isTrue();
    assertThat(call("sendChatAction", Map.of("chat_id", 5, "action", "dancing")).description())
        .isEqualTo("Bad Request: wrong parameter action in request");
    assertThat(call("sendChatAction", Map.of("chat_id", 6, "action", "typing")).description())
        .isEqualTo("Bad Request: chat not found");

    Reply set = form(
        "setMyCommands",
        Map.of(
            "commands",
            "[{\"command\":\"/new\",\"description\":\" Start over \"},"
                + "{\"command\":\"status\",\"description\":\"What is going on\"}]"));
    assertThat(set.result().booleanValue()).isTrue();
    assertThat(tg.commands())
        .containsExactly(
            new BotCommand("new", "Start over"), new BotCommand("status", "What is going on"));
    assertThat(call("getMyCommands").result())
        .isEqualTo(JSON.readTree("[{\"command\":\"new\","
            + "\"description\":\"Start over\"},{\"command\":\"status\","
            + "\"description\":\"What is going on\"}]"));

    assertThat(setCommand("Status", "x")).isEqualTo("Bad Request: BOT_COMMAND_INVALID");
    assertThat(setCommand("a".repeat(33), "x"))
        .isEqualTo("Bad Request: command length must not exceed 32");
    assertThat(setCommand("ok", "  "))
        .isEqualTo("Bad Request: command description must be" + " non-empty");
    assertThat(setCommand("ok", "d".repeat(257)))
        .isEqualTo("Bad Request: command description length must not exceed 256");
    assertThat(setCommand("a".repeat(32), "d".repeat(256))).isEmpty();
  }

  private String setCommand(String command, String description) throws Exception {
    return call(
            "setMyCommands",
            Map.of("commands", List.of(Map.of("command", command, "description", description))))
        .description();
  }

  // ---- groups, topics and replies ----

  @Test
  void topicMessagesAndRepliesInTopics() throws Exception {
    long forum = -1001234567890L;
    long id = tg.topicMessage(forum, 42, 7, "/status@" + BOT);
    JsonNode m = call("getUpdates").result().get(0).get("message");
    assertThat(updateIds(call("getUpdates"))).containsExactly(id);
    assertThat(m.get("message_thread_id").intValue()).isEqualTo(42);
    assertThat(m.get("is_topic_message").booleanValue()).isTrue();
    assertThat(m.get("chat").get("type").asString()).isEqualTo("supergroup");
    assertThat(m.get("chat").get("is_forum").booleanValue()).isTrue();
    assertThat(m.get("reply_to_message").get("forum_topic_created").get("name").asString())
        .isEqualTo("Topic 42");
    assertThat(m.get("entities").get(0).get("type").asString()).isEqualTo("bot_command");

    Reply inTopic =
        call("sendMessage", Map.of("chat_id", forum, "message_thread_id", 42, "text", "on it"));
    assertThat(inTopic.result().get("message_thread_id").intValue()).isEqualTo(42);
    assertThat(inTopic.result().get("is_topic_message").booleanValue()).isTrue();
    assertThat(tg.messages(forum).getFirst().threadId()).isEqualTo(42);
    assertThat(call("sendMessage", Map.of("chat_id", forum, "message_thread_id", 99, "text", "x"))
            .description())
        .isEqualTo("Bad Request: message thread not found");

    int botMessage = inTopic.result().get("message_id").intValue();
    long reply = tg.replyToBot(forum, 7, botMessage, "thanks");
    JsonNode r = call("getUpdates", Map.of("offset", id + 1)).result().get(0);
    assertThat(r.get("update_id").longValue()).isEqualTo(reply);
    assertThat(r.get("message").get("reply_to_message").get("message_id").intValue())
        .isEqualTo(botMessage);
    assertThat(
            r.get("message").get("reply_to_message").get("from").get("is_bot").booleanValue())
        .isTrue();
    assertThat(r.get("message").get("message_thread_id").intValue())
        .as("a reply stays in the topic of the message it answers")
        .isEqualTo(42);
    int userReply = r.get("message").get("message_id").intValue();
    Reply answer = call(
        "sendMessage",
        Map.of(
            "chat_id", forum, "text", "np", "reply_parameters", Map.of("message_id", userReply)));
    assertThat(answer.result().get("message_thread_id").intValue()).isEqualTo(42);
  }

  @Test
  void groupMessagesAndReplyParameters() throws Exception {
    tg.registerGroup(-500, "Team");
    tg.groupMessage(-500, 8, "hi @" + BOT);
    JsonNode m = call("getUpdates").result().get(0).get("message");
    assertThat(m.get("chat"))
        .isEqualTo(JSON.readTree("{\"id\":-500,\"type\":\"group\",\"title\":\"Team\"}"));
    assertThat(m.get("entities").get(0).get("type").asString()).isEqualTo("mention");

    Reply noSuch = call(
        "sendMessage",
        Map.of("chat_id", -500, "text", "x", "reply_parameters", Map.of("message_id", 77)));
    assertThat(noSuch.description()).isEqualTo("Bad Request: message to be replied not found");
    Reply anyway = call(
        "sendMessage",
        Map.of(
            "chat_id",
            -500,
            "text",
            "x",
            "reply_parameters",
            Map.of("message_id", 77, "allow_sending_without_reply", true)));
    assertThat(anyway.result().has("reply_to_message")).isFalse();
    Reply legacy = call(
        "sendMessage",
        Map.of(
            "chat_id",
            -500,
            "text",
            "y",
            "reply_to_message_id",
            m.get("message_id").intValue()));
    assertThat(legacy.result().get("reply_to_message").get("text").asString())
        .isEqualTo("hi @" + BOT);
  }

  // ---- faults ----

  @Test
  void floodControlAnswers429WithRetryAfter() throws Exception {
    tg.registerPrivateChat(5);
    tg.floodControl(1, 30);
    assertThat(send(5, "one", null).status()).isEqualTo(200);
    Reply flooded = send(5, "two", null);
    assertThat(flooded.status()).isEqualTo(429);
    assertThat(flooded.body())
        .isEqualTo(JSON.readTree("{\"ok\":false,\"error_code\":429,"
            + "\"description\":\"Too Many Requests: retry after 1\","
            + "\"parameters\":{\"retry_after\":1}}"));
    assertThat(tg.messages(5)).hasSize(1);

    tg.registerGroup(-600, "Busy");
    tg.floodControl(0, 3, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(send(-600, "m" + i, null).status()).isEqualTo(200);
    }
    Reply groupFlood = send(-600, "m3", null);
    assertThat(groupFlood.status()).isEqualTo(429);
    assertThat(groupFlood.body().get("parameters").get("retry_after").intValue())
        .isBetween(50, 60);
    tg.disableFloodControl();
    assertThat(send(-600, "m4", null).status()).isEqualTo(200);
  }

  @Test
  void failNextAnswersTheGivenError() throws Exception {
    tg.failNext("getMe", 2, 429, "Too Many Requests: retry after 7", 7);
    tg.failNext("*", 1, 502, "Bad Gateway", null);
    Reply first = call("getMe");
    assertThat(first.body())
        .isEqualTo(JSON.readTree("{\"ok\":false,\"error_code\":429,"
            + "\"description\":\"Too Many Requests: retry after 7\","
            + "\"parameters\":{\"retry_after\":7}}"));
    assertThat(call("getMe").status()).isEqualTo(429);
    assertThat(call("getMe").status()).isEqualTo(502);
    assertThat(call("getMe").status()).isEqualTo(200);
    assertThat(tg.awaitCalls("getMe", 4, WAIT))
        .extracting(Call::httpStatus)
        .containsExactly(429, 429, 502, 200);
  }

  @Test
  void droppedConnectionGetsNoResponseAndDoesNotRun() throws Exception {
    tg.registerPrivateChat(5);
    tg.dropConnections("sendMessage", 1);
    assertThatThrownBy(() -> send(5, "lost", null)).isInstanceOf(IOException.class);
    assertThat(tg.messages(5)).isEmpty();
    assertThat(send(5, "kept", null).status()).isEqualTo(200);
    assertThat(tg.awaitCalls("sendMessage", 2, WAIT))
        .extracting(Call::httpStatus)
        .containsExactly(0, 200);
  }

  @Test
  void malformedJsonIsNotJson() throws Exception {
    tg.malformedJson("getMe", 1);
    HttpResponse<String> raw =
        http.send(jsonRequest("getMe", Map.of()), HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> JSON.readTree(raw.body())).isInstanceOf(JacksonException.class);
    assertThat(call("getMe").result().get("username").asString()).isEqualTo(BOT);
  }

  @Test
  void delayHoldsTheAnswer() throws Exception {
    tg.delay("getMe", Duration.ofMillis(400));
    long start = System.nanoTime();
    assertThat(call("getMe").status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    tg.delay("getMe", Duration.ZERO);
  }

  // ---- observation and lifecycle ----

  // ---- files ----

  /** A multipart body written out by hand, as curl -F would send it. */
  private Reply multipart(
      String method,
      Map<String, String> fields,
      String fileField,
      String fileName,
      String type,
      byte[] content)
      throws Exception {
    String boundary = "------------------------d74496d66958873e";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
              + "\"\r\n\r\n" + f.getValue() + "\r\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    if (fileField != null) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
              + fileField + "\"; filename=\"" + fileName + "\"\r\nContent-Type: " + type
              + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(content);
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri(method))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
    return reply(http.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  private HttpResponse<byte[]> fetch(String token, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(tg.baseUrl() + "/file/bot" + token + "/" + path))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] png(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  @Test
  void aMultipartSendPhotoIsAPhotoMessageWhoseFileCanBeFetched() throws Exception {
    tg.registerPrivateChat(5);
    byte[] image = png(300, 200);

    Reply r = multipart(
        "sendPhoto",
        Map.of("chat_id", "5", "caption", "a chart"),
        "photo",
        "chart.png",
        "image/png",
        image);

    assertThat(r.status()).isEqualTo(200);
    JsonNode photo = r.result().get("photo").get(0);
    assertThat(photo.get("width").intValue()).isEqualTo(300);
    assertThat(photo.get("height").intValue()).isEqualTo(200);
    assertThat(photo.get("file_size").longValue()).isEqualTo(image.length);
    assertThat(r.result().get("caption").asString()).isEqualTo("a chart");
    assertThat(r.result().has("text")).isFalse();
    Call call = tg.calls("sendPhoto").getFirst();
    assertThat(call.params().get("chat_id").asString()).isEqualTo("5");
    assertThat(call.upload("photo").fileName()).isEqualTo("chart.png");
    assertThat(tg.messages(5).getFirst().mediaField()).isEqualTo("photo");

    Reply file = call("getFile", Map.of("file_id", photo.get("file_id").asString()));
    String path = file.result().get("file_path").asString();
    assertThat(path).startsWith("photos/").endsWith(".jpg");
    assertThat(file.result().get("file_size").longValue()).isEqualTo(image.length);
    HttpResponse<byte[]> fetched = fetch(TOKEN, path);
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(image);
    assertThat(tg.downloads()).containsExactly(path);
    assertThat(fetch("1:wrong", path).statusCode()).isEqualTo(401);
    assertThat(fetch(TOKEN, "photos/nothing.jpg").statusCode()).isEqualTo(404);
  }

  @Test
  void eachSendOfAFileAnswersWithItsOwnField() throws Exception {
    tg.registerPrivateChat(5);
    byte[] bytes = "data".getBytes(StandardCharsets.UTF_8);
    JsonNode document = multipart(
            "sendDocument", Map.of("chat_id", "5"), "document", "notes.txt", "text/plain", bytes)
        .result()
        .get("document");
    assertThat(document.get("file_name").asString()).isEqualTo("notes.txt");
    assertThat(document.get("mime_type").asString()).isEqualTo("text/plain");
    assertThat(document.get("file_size").intValue()).isEqualTo(4);
    assertThat(multipart(
                "sendVoice",
                Map.of("chat_id", "5", "duration", "3"),
                "voice",
                "v.ogg",
                "audio/ogg",
                bytes)
            .result()
            .get("voice")
            .get("duration")
            .intValue())
        .isEqualTo(3);
    assertThat(multipart(
                "sendAudio",
                Map.of("chat_id", "5", "title", "Song"),
                "audio",
                "s.mp3",
                "audio/mpeg",
                bytes)
            .result()
            .get("audio")
            .get("title")
            .asString())
        .isEqualTo("Song");
    assertThat(multipart("sendVideo", Map.of("chat_id", "5"), "video", "c.mp4", "video/mp4", bytes)
            .result()
            .get("video")
            .get("mime_type")
            .asString())
        .isEqualTo("video/mp4");
  }

  @Test
  void filesAreRefusedAsTelegramRefusesThem() throws Exception {
    tg.registerPrivateChat(5);
    byte[] bytes = "not a picture".getBytes(StandardCharsets.UTF_8);

    assertThat(multipart("sendPhoto", Map.of("chat_id", "5"), null, null, null, null)
            .description())
        .isEqualTo("Bad Request: there is no photo in the request");
    assertThat(multipart("sendPhoto", Map.of("chat_id", "5"), "photo", "x.jpg", "image/jpeg", bytes)
            .description())
        .isEqualTo("Bad Request: IMAGE_PROCESS_FAILED");
    assertThat(multipart(
                "sendPhoto", Map.of("chat_id", "5"), "photo", "tall.png", "image/png", png(10, 300))
            .description())
        .isEqualTo("Bad Request: PHOTO_INVALID_DIMENSIONS");
    assertThat(multipart(
                "sendDocument",
                Map.of("chat_id", "5", "caption", "x".repeat(1025)),
                "document",
                "a.txt",
                "text/plain",
                bytes)
            .description())
        .isEqualTo("Bad Request: message caption is too long");
    assertThat(multipart(
                "sendDocument", Map.of("chat_id", "404"), "document", "a.txt", "text/plain", bytes)
            .description())
        .isEqualTo("Bad Request: chat not found");
    int id = multipart(
            "sendDocument", Map.of("chat_id", "5"), "document", "a.txt", "text/plain", bytes)
        .result()
        .get("message_id")
        .intValue();
    assertThat(call("editMessageText", Map.of("chat_id", 5, "message_id", id, "text", "new"))
            .description())
        .isEqualTo("Bad Request: there is no text in the message to edit");

    String big = tg.addFileTooBigToDownload("videos", "mp4", 25L * 1024 * 1024);
    assertThat(call("getFile", Map.of("file_id", big)).description())
        .isEqualTo("Bad Request: file is too big");
    assertThat(call("getFile", Map.of("file_id", "nope")).description())
        .isEqualTo("Bad Request: invalid file_id");
  }

  @Test
  void aUsersFileMessageHasTheApiShapeWithCaptionEntities() throws Exception {
    tg.registerUser(77, "Ada", null, "ada");
    String id = tg.addFile("documents", "pdf", new byte[] {1, 2, 3});
    tg.privateMedia(77, """
        "document": {"file_name": "a.pdf", "mime_type": "application/pdf", "file_id": "%s",
          "file_unique_id": "AgAD", "file_size": 3},
        "caption": "for @%s"
        """.formatted(id, BOT));

    JsonNode m = call("getUpdates").result().get(0).get("message");

    assertThat(m.has("text")).isFalse();
    assertThat(m.get("document").get("file_id").asString()).isEqualTo(id);
    assertThat(m.get("caption_entities"))
        .isEqualTo(JSON.readTree(
            "[{\"offset\":4,\"length\":" + (BOT.length() + 1) + ",\"type\":\"mention\"}]"));
    String path =
        call("getFile", Map.of("file_id", id)).result().get("file_path").asString();
    assertThat(fetch(TOKEN, path).body()).containsExactly(1, 2, 3);
  }

  @Test
  void awaitMessageWaitsForTheBot() throws Exception {
    tg.registerPrivateChat(5);
    CompletableFuture<Reply> later = CompletableFuture.supplyAsync(() -> {
      try {
        tg.awaitCalls("getMe", 1, WAIT);
        return send(5, "<i>done</i>", "HTML");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    call("getMe");
    BotMessage m = tg.awaitMessage(5, msg -> msg.text().equals("done"), WAIT);
    assertThat(m.entities()).containsExactly(TelegramHtmlParser.Entity.of("italic", 0, 4));
    assertThat(later.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThatThrownBy(() -> tg.awaitMessage(5, msg -> false, Duration.ofMillis(100)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no bot message in chat 5");
  }

  @Test
  void closeStopsTheServerAndEndsLongPolls() throws Exception {
    FakeTelegramServer other = FakeTelegramServer.start("1:x", "other_bot");
    URI getUpdates = URI.create(other.baseUrl() + "/bot1:x/getUpdates?timeout=30");
    CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
        HttpRequest.newBuilder(getUpdates).build(), HttpResponse.BodyHandlers.ofString());
    other.awaitLongPoll(WAIT);
    long start = System.nanoTime();
    other.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    await().atMost(WAIT).until(poll::isDone);
    assertThatThrownBy(() -> http.send(
            HttpRequest.newBuilder(getUpdates).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }
}
