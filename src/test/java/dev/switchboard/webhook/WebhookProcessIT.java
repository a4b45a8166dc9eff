package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test, with the built gateway: a GitHub-style webhook with a good signature becomes
 * a turn whose answer reaches the configured Telegram topic; the same delivery id again is one
 * turn; a wrong signature is 401 and nothing is stored; a direct route sends its text without
 * the model; a body over the limit is 413.
 */
class WebhookProcessIT {
  private static final String TELEGRAM_TOKEN = "4242:AAH-hook-token_1234567890abcdefgh";
  private static final String GITHUB_SECRET = "gh-webhook-secret-0123456789abcdef";
  private static final String NOTES_TOKEN = "notes-token-0123456789abcdef";
  private static final long GROUP = -1001234567890L;
  private static final int TOPIC = 7;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PULL_REQUEST = """
      {"action": "opened", "number": 42,
       "pull_request": {"title": "Fix the drain", "user": {"login": "ada"}},
       "repository": {"full_name": "octo/switchboard"}}
      """;

  @TempDir
  Path dir;

  @Test
  void githubDeliveriesBecomeOneTurnEachAndBadOnesNothing() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(
        home.resolve("switchboard.yaml"), """
        webhooks:
          max_body_kb: 1
          routes:
            github:
              target: telegram:%d:%d
              prompt: "{{pull_request.user.login}} {{action}} #{{number}} in\
         {{repository.full_name}}: {{pull_request.title}}. Summarise it."
            notes:
              auth: token
              secret: %s
              mode: direct
              target: telegram:%d:%d
              prompt: "Deploy {{status}} for {{app}}"
        """.formatted(GROUP, TOPIC, NOTES_TOKEN, GROUP, TOPIC));
    Files.writeString(
        home.resolve(".env"), "SWITCHBOARD_WEBHOOKS_GITHUB_SECRET=" + GITHUB_SECRET + "\n");
    try (FakeTelegramServer telegram = FakeTelegramServer.start(TELEGRAM_TOKEN, "hook_bot");
        FakeOpenAiServer openai = new FakeOpenAiServer()) {
      telegram.registerGroup(GROUP, "Team");
      telegram.registerTopic(GROUP, TOPIC, "Pull requests");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
      env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
      env.put("TELEGRAM_POLL_TIMEOUT", "2s");
      env.put("OPENAI_BASE_URL", openai.baseUrl());
      env.put("OPENAI_API_KEY", "sk-hook-test-0123456789abcdef");
      env.put("SWITCHBOARD_MODEL", "small-model");
      try (ChildGateway gw = ChildGateway.run(home, env)) {
        gw.awaitRunning();
        telegram.awaitLongPoll(WAIT);
        byte[] body = PULL_REQUEST.getBytes(StandardCharsets.UTF_8);
        String signature = Signatures.sign(GITHUB_SECRET, body);

        // A good delivery: a turn, whose answer reaches the topic.
        openai.then(Reply.text("Ada fixes the drain."));
        HttpResponse<String> first = post(
            home,
            "github",
            body,
            Map.of("X-Hub-Signature-256", signature, "X-GitHub-Delivery", "d-0001"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(JSON.readTree(first.body()).path("status").asString()).isEqualTo("accepted");
        BotMessage answer = awaitInTopic(telegram, gw, "Ada fixes the drain.");
        assertThat(answer.threadId()).isEqualTo(TOPIC);
        assertThat(openai.requests()).hasSize(1);
        assertThat(openai.lastRequest().messages())
            .last()
            .isEqualTo("user: ada opened #42 in octo/switchboard: Fix the drain. Summarise it.");

        // The same delivery id again: answered as a duplicate, no second turn.
        HttpResponse<String> again = post(
            home,
            "github",
            body,
            Map.of("X-Hub-Signature-256", signature, "X-GitHub-Delivery", "d-0001"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("status").asString()).isEqualTo("duplicate");
        assertThat(openai.requests()).hasSize(1);

        // A wrong or missing signature: 401, and the journal has no new row.
        long journaled = inboundRows(home);
        String wrong = Signatures.sign("not-the-secret-at-all-0123", body);
        HttpResponse<String> forged = post(
            home,
            "github",
            body,
            Map.of("X-Hub-Signature-256", wrong, "X-GitHub-Delivery", "d-0002"));
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> unsigned =
            post(home, "github", body, Map.of("X-GitHub-Delivery", "d-0003"));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongToken = post(
            home,
            "notes",
            "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8),
            Map.of("X-Webhook-Token", NOTES_TOKEN + "x"));
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(inboundRows(home)).isEqualTo(journaled);
        assertThat(openai.requests()).hasSize(1);

        // A direct route: the filled text itself, without the model, once per delivery.
        byte[] deploy = "{\"status\": \"ok\", \"app\": \"web\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> sent =
            post(home, "notes", deploy, Map.of("X-Webhook-Token", NOTES_TOKEN));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        JsonNode sentBody = JSON.readTree(sent.body());
        assertThat(sentBody.path("status").asString()).isEqualTo("sent");
        BotMessage deployed = awaitInTopic(telegram, gw, "Deploy ok for web");
        assertThat(sentBody.path("message_ids").get(0).asString())
            .isEqualTo(Integer.toString(deployed.messageId()));
        HttpResponse<String> resent =
            post(home, "notes", deploy, Map.of("X-Webhook-Token", NOTES_TOKEN));
        assertThat(JSON.readTree(resent.body()).path("status").asString()).isEqualTo("duplicate");
        assertThat(telegram.messages(GROUP))
            .filteredOn(m -> m.text().equals("Deploy ok for web"))
            .hasSize(1);
        assertThat(openai.requests()).hasSize(1);

        // Over webhooks.max_body_kb (1 KiB): 413. An unknown route: 404.
        byte[] large =
            ("{\"pad\": \"" + "x".repeat(2_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> tooLarge = post(
            home,
            "github",
            large,
            Map.of(
                "X-Hub-Signature-256",
                Signatures.sign(GITHUB_SECRET, large),
                "X-GitHub-Delivery",
                "d-0004"));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(post(home, "gitlab", body, Map.of()).statusCode()).isEqualTo(404);

        assertThat(telegram.messages(GROUP))
            .filteredOn(m -> m.text().equals("Ada fixes the drain."))
            .hasSize(1);
        assertThat(gw.get("/metrics").body())
            .contains(
                "switchboard_webhooks_requests_total{outcome=\"accepted\",route=\"github\"} 1.0")
            .contains(
                "switchboard_webhooks_requests_total{outcome=\"duplicate\",route=\"github\"} 1.0")
            .contains(
                "switchboard_webhooks_requests_total{outcome=\"unauthorized\",route=\"github\"}"
                    + " 2.0")
            .contains("switchboard_webhooks_requests_total{outcome=\"sent\",route=\"notes\"} 1.0");
        assertThat(gw.output())
            .contains("webhook github: refused")
            .doesNotContain(GITHUB_SECRET)
            .doesNotContain(NOTES_TOKEN)
            .doesNotContain(wrong.substring("sha256=".length()));
      }
    }
  }

  @Test
  void aRouteToAPlatformThatIsNotEnabledIsAConfigurationError() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve("switchboard.yaml"), """
        webhooks:
          routes:
            github:
              secret: %s
              target: discord:112233445566778899
              prompt: "{{action}}"
        """.formatted(GITHUB_SECRET));
    try (ChildGateway gw = ChildGateway.run(home, Map.of())) {
      assertThat(gw.awaitExit(WAIT)).isEqualTo(78);
      assertThat(gw.output())
          .contains("webhooks.routes.github.target")
          .contains("not enabled")
          .doesNotContain(GITHUB_SECRET);
    }
  }

  private static BotMessage awaitInTopic(FakeTelegramServer telegram, ChildGateway gw, String text)
      throws Exception {
    try {
      return telegram.awaitMessage(
          GROUP, m -> m.text().equals(text) && Integer.valueOf(TOPIC).equals(m.threadId()), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ngateway output:\n" + gw.output(), e);
    }
  }

  private static long inboundRows(Path home) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + home.resolve("switchboard.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM inbound")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static HttpResponse<String> post(
      Path home, String route, byte[] body, Map<String, String> headers) throws Exception {
    String address = StateFile.read(home)
        .map(GatewayState::http)
        .orElseThrow(() -> new AssertionError("no HTTP address in the state file"));
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://" + address + "/webhooks/" + route))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("User-Agent", "GitHub-Hookshot/test")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
