package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.StandInSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway with Telegram, Discord and Slack all enabled (each against its fake)
 * answers on all three, and /restart from a Slack thread comes back and says so in that thread.
 */
class AllPlatformsProcessIT {
  private static final String TELEGRAM_TOKEN = "4242:AAH-all-platforms-token_1234567890";
  private static final String DISCORD_TOKEN = "MTA5.all-platforms-token.abcdef";
  private static final String SLACK_BOT = "xoxb-1111-2222-allplatforms";
  private static final String SLACK_APP = "xapp-1-A1-3333-allplatforms";
  private static final long TELEGRAM_USER = 5551234L;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void answersOnTelegramDiscordAndSlackAndRestartsFromASlackThread() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    try (FakeTelegramServer telegram = FakeTelegramServer.start(TELEGRAM_TOKEN, "all_bot");
        FakeDiscordServer discord = new FakeDiscordServer(DISCORD_TOKEN);
        FakeSlackServer slack = new FakeSlackServer(SLACK_BOT, SLACK_APP)) {
      telegram.registerUser(TELEGRAM_USER, "Tom", null, "tom");
      discord.heartbeatInterval(5000);
      Map<String, String> env = new HashMap<>();
      env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
      env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
      env.put("TELEGRAM_POLL_TIMEOUT", "2s");
      env.put("TELEGRAM_ALLOWED_USERS", Long.toString(TELEGRAM_USER));
      env.put("DISCORD_BOT_TOKEN", DISCORD_TOKEN);
      env.put("DISCORD_API_BASE_URL", discord.apiBase().toString());
      env.put("DISCORD_ALLOWED_USERS", "u-dan");
      env.put("SLACK_BOT_TOKEN", SLACK_BOT);
      env.put("SLACK_APP_TOKEN", SLACK_APP);
      env.put("SLACK_API_BASE_URL", slack.apiBase());
      env.put("SLACK_ALLOWED_USERS", "U-SAM");
      env.put("SLACK_ADMIN_USERS", "U-ADA");
      try (StandInSupervisor supervisor = new StandInSupervisor(home, env, Duration.ofSeconds(1))) {
        supervisor.current().awaitRunning();
        try {
          await()
              .atMost(WAIT)
              .until(() -> StateFile.read(home)
                  .map(s ->
                      connected(s, "telegram") && connected(s, "discord") && connected(s, "slack"))
                  .orElse(false));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(
              "not all connected: "
                  + StateFile.read(home).map(s -> s.platforms().toString()).orElse("-") + "\n"
                  + supervisor.current().output(),
              e);
        }

        telegram.privateMessage(TELEGRAM_USER, "hello from telegram");
        discord.messageCreate("dm-dan", null, "u-dan", "dan", "hello from discord");
        slack.directMessage("U-SAM", "D-SAM", "hello from slack");
        telegram.awaitMessage(TELEGRAM_USER, m -> m.text().contains("hello from telegram"), WAIT);
        await()
            .atMost(WAIT)
            .until(() -> discord.sent("dm-dan").stream()
                .anyMatch(m -> m.content().contains("hello from discord")));
        await()
            .atMost(WAIT)
            .until(() -> slack.posted("D-SAM").stream()
                .anyMatch(p -> p.text().contains("hello from slack")));

        slack.mention("U-ADA", "C-OPS", "/restart", "1764300000.000001");
        await()
            .atMost(WAIT)
            .until(() ->
                supervisor.exitCodes().contains(75) && supervisor.children().size() == 2);
        supervisor.children().getLast().awaitRunning();
        await()
            .atMost(WAIT)
            .until(() -> slack.posted("C-OPS").stream()
                .anyMatch(p -> p.text().contains("Gateway restarted")));
        assertThat(slack.posted("C-OPS"))
            .filteredOn(p -> p.text().contains("Gateway restarted"))
            .singleElement()
            .satisfies(p -> assertThat(p.threadTs()).isEqualTo("1764300000.000001"));
        assertThat(supervisor.current().output())
            .doesNotContain(SLACK_BOT)
            .doesNotContain(SLACK_APP)
            .doesNotContain(DISCORD_TOKEN)
            .doesNotContain(TELEGRAM_TOKEN);
      }
    }
  }

  private static boolean connected(GatewayState s, String platform) {
    return s.platforms().containsKey(platform)
        && "connected".equals(s.platforms().get(platform).state());
  }
}
