package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proactive sends (issue 15, part 3) from outside: {@code switchboard send} and {@code POST
 * /v1/send} reach the Telegram, Discord and Slack fakes through the running gateway, once per
 * idempotency key, and only to chats the gateway has talked with.
 */
class ProactiveSendProcessIT {
  private static final String TELEGRAM_TOKEN = "4242:AAH-send-token_1234567890abcdefgh";
  private static final String DISCORD_TOKEN = "MTA5.send-token.abcdef";
  private static final String SLACK_BOT = "xoxb-1111-2222-send";
  private static final String SLACK_APP = "xapp-1-A1-3333-send";
  private static final String API_KEY = "sk-send-test-0123456789abcdef0123456789";
  private static final long TOM = 5551234L;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  @Test
  void sendsReachEachPlatformOnceAndOnlyKnownChats() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    try (FakeTelegramServer telegram = FakeTelegramServer.start(TELEGRAM_TOKEN, "send_bot");
        FakeDiscordServer discord = new FakeDiscordServer(DISCORD_TOKEN);
        FakeSlackServer slack = new FakeSlackServer(SLACK_BOT, SLACK_APP)) {
      telegram.registerUser(TOM, "Tom", null, "tom");
      Map<String, String> env = new HashMap<>();
      env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
      env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
      env.put("TELEGRAM_POLL_TIMEOUT", "2s");
      env.put("TELEGRAM_ALLOWED_USERS", Long.toString(TOM));
      env.put("DISCORD_BOT_TOKEN", DISCORD_TOKEN);
      env.put("DISCORD_API_BASE_URL", discord.apiBase().toString());
      env.put("DISCORD_ALLOWED_USERS", "u-dan");
      env.put("SLACK_BOT_TOKEN", SLACK_BOT);
      env.put("SLACK_APP_TOKEN", SLACK_APP);
      env.put("SLACK_API_BASE_URL", slack.apiBase());
      env.put("SLACK_ALLOWED_USERS", "U-SAM");
      env.put("API_SERVER_KEY", API_KEY);
      try (ChildGateway gw = ChildGateway.run(home, env)) {
        gw.awaitRunning();
        await()
            .atMost(WAIT)
            .until(() -> StateFile.read(home)
                .map(s ->
                    s.platforms().values().stream().allMatch(p -> p.state().equals("connected")))
                .orElse(false));
        // Each user has written once: the gateway knows these chats.
        telegram.privateMessage(TOM, "hi");
        discord.messageCreate("dm-dan", null, "u-dan", "dan", "hi");
        slack.directMessage("U-SAM", "D-SAM", "hi");
        telegram.awaitMessage(TOM, m -> m.text().equals("hi"), WAIT);
        await().atMost(WAIT).until(() -> !discord.sent("dm-dan").isEmpty());
        await().atMost(WAIT).until(() -> !slack.posted("D-SAM").isEmpty());

        // switchboard send, to each platform
        ChildGateway.Result toTelegram =
            send(home, "telegram:" + TOM, "Morning briefing: 3 meetings");
        assertThat(toTelegram.exitCode()).as(toTelegram.output()).isZero();
        assertThat(toTelegram.output()).contains("sent to telegram:" + TOM + ": message(s) ");
        BotMessage briefing =
            telegram.awaitMessage(TOM, m -> m.text().equals("Morning briefing: 3 meetings"), WAIT);
        assertThat(toTelegram.output()).contains(Integer.toString(briefing.messageId()));
        assertThat(send(home, "discord:dm-dan", "Reminder: standup").exitCode()).isZero();
        await()
            .atMost(WAIT)
            .until(() -> discord.sent("dm-dan").stream()
                .anyMatch(m -> m.content().equals("Reminder: standup")));
        assertThat(send(home, "slack:D-SAM", "Deploy finished").exitCode()).isZero();
        await()
            .atMost(WAIT)
            .until(() ->
                slack.posted("D-SAM").stream().anyMatch(p -> p.text().equals("Deploy finished")));

        // A chat nobody wrote from is refused, and nothing is sent.
        ChildGateway.Result unknown = send(home, "telegram:999", "who are you?");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.output())
            .contains("has not talked with telegram:999")
            .contains("send.allow_unknown_targets");

        // POST /v1/send with the API key, twice with one idempotency key: one message.
        String body = "{\"target\": \"slack:D-SAM\", \"text\": \"Report ready\","
            + " \"idempotency_key\": \"report-2026-12-03\"}";
        HttpResponse<String> first = postV1Send(gw, body);
        HttpResponse<String> again = postV1Send(gw, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(first.body());
        assertThat(answer.path("target").asString()).isEqualTo("slack:D-SAM");
        assertThat(answer.path("message_ids").size()).isEqualTo(1);
        assertThat(JSON.readTree(again.body()).path("message_ids"))
            .isEqualTo(answer.path("message_ids"));
        assertThat(slack.posted("D-SAM"))
            .filteredOn(p -> p.text().equals("Report ready"))
            .hasSize(1);
        HttpResponse<String> noKey = HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(v1Send(gw))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(gw.output())
            .doesNotContain(API_KEY)
            .doesNotContain(TELEGRAM_TOKEN)
            .doesNotContain(SLACK_BOT);
      }
    }
  }

  private static ChildGateway.Result send(Path home, String target, String text) throws Exception {
    return ChildGateway.cli(Map.of(), "send", "--home", home.toString(), target, text);
  }

  private URI v1Send(ChildGateway gw) {
    String address = StateFile.read(dir.resolve("home")).orElseThrow().http();
    return URI.create("http://" + address + "/v1/send");
  }

  private HttpResponse<String> postV1Send(ChildGateway gw, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(v1Send(gw))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
