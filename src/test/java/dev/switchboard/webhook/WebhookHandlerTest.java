package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.ChatRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler over HTTP with the gateway's side recorded: what reaches it and what is answered. */
class WebhookHandlerTest {
  private static final String SECRET = "0123456789abcdef-secret";
  private static final String PAYLOAD = "{\"ref\": \"main\", \"commits\": [{\"id\": \"abc\"}]}";

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> runs = new CopyOnWriteArrayList<>();
  private volatile WebhookRuns.Outcome next = new WebhookRuns.Accepted(List.of());
  private HttpServer server;
  private String base;

  @BeforeEach
  void start() throws Exception {
    WebhookRoute push = new WebhookRoute(
        "push",
        WebhookRoute.Auth.HMAC_SHA256,
        SECRET,
        "X-Webhook-Token",
        "X-GitHub-Delivery",
        new ChatRef("telegram", "42", null),
        WebhookRoute.Mode.AGENT,
        PromptTemplate.parse("pushed {{commits.0.id}} to {{ref}}"),
        true);
    WebhookRoute blank = new WebhookRoute(
        "blank",
        WebhookRoute.Auth.TOKEN,
        SECRET,
        "X-Token",
        "X-Id",
        new ChatRef("telegram", "42", null),
        WebhookRoute.Mode.DIRECT,
        PromptTemplate.parse("{{missing}}"),
        true);
    WebhookRuns recorder = new WebhookRuns() {
      @Override
      public Outcome agent(WebhookRoute route, String deliveryId, String prompt) {
        runs.add("agent " + route.name() + " " + deliveryId + " " + prompt);
        return next;
      }

      @Override
      public Outcome direct(WebhookRoute route, String deliveryId, String text) {
        runs.add("direct " + route.name() + " " + deliveryId + " " + text);
        return next;
      }
    };
    server = new HttpServer("127.0.0.1", 0);
    server.route(
        WebhookHandler.PREFIX + "*",
        new WebhookHandler(
            List.of(push, blank), 4096, recorder, WebhookMetrics.NONE, System::nanoTime),
        4096);
    base = "http://127.0.0.1:" + server.start().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> post(String route, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/webhooks/" + route))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String body) {
    return Signatures.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSignedDeliveryReachesTheGatewayWithItsIdAndFilledPrompt() throws Exception {
    HttpResponse<String> r =
        post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD), "X-GitHub-Delivery", "abc-123");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.body()).contains("\"status\":\"accepted\"").contains("\"delivery\":\"abc-123\"");
    assertThat(runs).containsExactly("agent push abc-123 pushed abc to main");

    next = new WebhookRuns.Duplicate(List.of());
    HttpResponse<String> again =
        post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD), "X-GitHub-Delivery", "abc-123");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"status\":\"duplicate\"");
  }

  @Test
  void withoutAUsableDeliveryHeaderTheIdIsAHash() throws Exception {
    post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD));
    post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD));
    post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD), "X-GitHub-Delivery", "a b/c");
    assertThat(runs).hasSize(3);
    String bodyId = runs.get(0).split(" ")[2];
    assertThat(bodyId).matches("body-[0-9a-f]{40}");
    assertThat(runs.get(1).split(" ")[2]).as("the same body, the same id").isEqualTo(bodyId);
    assertThat(runs.get(2).split(" ")[2]).matches("h-[0-9a-f]{40}");
  }

  @Test
  void aBadSignatureIsRefusedBeforeTheBodyIsLookedAt() throws Exception {
    String notJson = "this is not JSON";
    assertThat(post("push", notJson, "X-Hub-Signature-256", sign(PAYLOAD)).statusCode())
        .isEqualTo(401);
    assertThat(post("push", PAYLOAD).statusCode()).isEqualTo(401);
    assertThat(post("blank", PAYLOAD, "X-Token", SECRET + "!").statusCode()).isEqualTo(401);
    assertThat(runs).isEmpty();
  }

  @Test
  void whatIsNotAWebhookDeliveryIsRefusedByStatus() throws Exception {
    assertThat(post("push", notJsonSigned(), "X-Hub-Signature-256", sign(notJsonSigned()))
            .statusCode())
        .isEqualTo(400);
    assertThat(post("push", "[1, 2]", "X-Hub-Signature-256", sign("[1, 2]")).statusCode())
        .isEqualTo(400);
    assertThat(post("nope", PAYLOAD).statusCode()).isEqualTo(404);
    HttpResponse<String> get = client.send(
        HttpRequest.newBuilder(URI.create(base + "/webhooks/push")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    String big = "{\"pad\": \"" + "x".repeat(5000) + "\"}";
    assertThat(post("push", big, "X-Hub-Signature-256", sign(big)).statusCode()).isEqualTo(413);
    assertThat(post("blank", PAYLOAD, "X-Token", SECRET).statusCode())
        .as("a prompt that comes out empty")
        .isEqualTo(422);
    assertThat(runs).isEmpty();
  }

  @Test
  void githubsPingIsAnsweredWithoutATurnOnceItsSignatureIsChecked() throws Exception {
    String ping = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}";
    HttpResponse<String> r =
        post("push", ping, "X-Hub-Signature-256", sign(ping), "X-GitHub-Event", "ping");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"status\":\"pong\"");
    assertThat(post("push", ping, "X-GitHub-Event", "ping").statusCode()).isEqualTo(401);
    assertThat(runs).isEmpty();
  }

  @Test
  void aStoppingGatewayAsksTheSenderToComeBack() throws Exception {
    next = new WebhookRuns.Unavailable();
    HttpResponse<String> r = post("push", PAYLOAD, "X-Hub-Signature-256", sign(PAYLOAD));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue(WebhookHandler.RETRY_AFTER);
  }

  @Test
  void aDirectSendAnswersWithItsMessages() throws Exception {
    next = new WebhookRuns.Accepted(List.of("17", "18"));
    HttpResponse<String> r = post("blank", "{\"missing\": \"hello\"}", "X-Token", SECRET);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"status\":\"sent\"")
        .contains("\"message_ids\":[\"17\",\"18\"]");
    assertThat(runs).singleElement().asString().startsWith("direct blank body-").endsWith(" hello");
    next = new WebhookRuns.Undelivered(1);
    assertThat(post("blank", "{\"missing\": \"hello\"}", "X-Token", SECRET).statusCode())
        .isEqualTo(502);
  }

  private static String notJsonSigned() {
    return "payload=%7B%7D";
  }
}
