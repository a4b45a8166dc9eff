package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.testing.StandInSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built gateway with Discord against the fake Discord gateway and REST API. */
class DiscordProcessIT {
  private static final String TOKEN = "MTA5.process-test-token.abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private FakeDiscordServer discord;
  private StandInSupervisor supervisor;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    discord = new FakeDiscordServer(TOKEN);
    // Real Discord asks for ~41 s; 5 s keeps heartbeats in play without making a busy machine's
    // late ACK look like a dead connection.
    discord.heartbeatInterval(5000);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (supervisor != null) {
      supervisor.close();
    }
    discord.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DISCORD_BOT_TOKEN", TOKEN);
    env.put("DISCORD_API_BASE_URL", discord.apiBase().toString());
    env.put("DISCORD_ALLOWED_USERS", "u-bob");
    env.put("DISCORD_ADMIN_USERS", "u-ada");
    env.put("SWITCHBOARD_ECHO_WORD_DELAY", "150ms");
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    return env;
  }

  private void awaitConnected() throws Exception {
    try {
      await()
          .atMost(WAIT)
          .until(() -> discord.connected()
              && StateFile.read(home)
                  .map(s -> s.platforms().containsKey("discord")
                      && "connected".equals(s.platforms().get("discord").state()))
                  .orElse(false));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "discord not connected: fake connected=" + discord.connected()
              + ", connections " + discord.connections() + ", identifies " + discord.identifies()
              + ", resumes " + discord.resumes() + ", closes " + discord.closesFromClient()
              + ", state "
              + StateFile.read(home).map(s -> s.platforms().toString()).orElse("-")
              + "\n" + supervisor.current().output(),
          e);
    }
  }

  private boolean said(String channel, String text) {
    return discord.sent(channel).stream().anyMatch(m -> m.content().contains(text));
  }

  @Test
  void answersADmRidesOutADroppedGatewayMidReplyAndRestartsFromAChannel() throws Exception {
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();

    discord.messageCreate("dm-bob", null, "u-bob", "bob", "hello there");
    await().atMost(WAIT).until(() -> said("dm-bob", "hello there"));

    // An unknown user's DM gets a pairing code, as on Telegram; approved, she is answered.
    discord.messageCreate("dm-eve", null, "u-eve", "eve", "let me in");
    await().atMost(WAIT).until(() -> said("dm-eve", "switchboard pairing approve discord "));
    java.util.regex.Matcher code = java.util.regex.Pattern.compile(
            "switchboard pairing approve discord (\\S+)")
        .matcher(discord.sent("dm-eve").getFirst().content());
    assertThat(code.find()).isTrue();
    dev.switchboard.testing.ChildGateway.Result approved = dev.switchboard.testing.ChildGateway.cli(
        Map.of(), "pairing", "approve", "discord", code.group(1), "--home", home.toString());
    assertThat(approved.exitCode()).as(approved.output()).isZero();
    discord.messageCreate("dm-eve", null, "u-eve", "eve", "thanks for letting me in");
    await().atMost(WAIT).until(() -> said("dm-eve", "thanks for letting me in"));

    // The gateway connection drops while a reply is streaming: the reply (sent over REST)
    // completes once, and a message written during the outage is replayed and answered once.
    discord.messageCreate(
        "dm-bob", null, "u-bob", "bob", "one two three four five six seven eight nine ten");
    await().atMost(WAIT).until(() -> said("dm-bob", "one two"));
    discord.dropConnection();
    discord.messageCreate("dm-bob", null, "u-bob", "bob", "written during the outage");
    await()
        .atMost(WAIT)
        .until(() -> said("dm-bob", "nine ten") && said("dm-bob", "written during the outage"));
    assertThat(discord.resumes()).isEqualTo(1);
    assertThat(discord.sent("dm-bob").stream()
            .filter(m -> m.content().contains("written during the outage")))
        .hasSize(1);
    assertThat(discord.sent("dm-bob").stream().filter(m -> m.content().contains("one two three")))
        .hasSize(1);

    // /restart from a guild channel by the admin (mentioning the bot): exit 75, a new process,
    // "restarted" said in that same channel, once.
    discord.messageCreate(
        "c-ops", "g1", "u-ada", "ada", "<@" + FakeDiscordServer.BOT_ID + "> /restart");
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));
    // Written while no process is connected: the next one resumes the session it saved, and
    // Discord replays this to it.
    discord.messageCreate("dm-bob", null, "u-bob", "bob", "written between two processes");
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    supervisor.children().getLast().awaitRunning();
    await().atMost(WAIT).until(() -> said("c-ops", "Gateway restarted"));
    assertThat(
            discord.sent("c-ops").stream().filter(m -> m.content().contains("Gateway restarted")))
        .hasSize(1);
    await().atMost(WAIT).until(() -> said("dm-bob", "written between two processes"));
    assertThat(discord.sent("dm-bob").stream()
            .filter(m -> m.content().contains("written between two processes")))
        .hasSize(1);
    assertThat(discord.identifies()).as("the new process resumed").isEqualTo(1);
    assertThat(discord.resumes()).isGreaterThanOrEqualTo(2);
    assertThat(supervisor.current().output()).doesNotContain(TOKEN);
  }

  @Test
  void aReconnectStormIsThrottledAndAWrongTokenIsAFailedPlatformWithTheReason() throws Exception {
    // The gateway closes every connection right after Hello: the reconnects back off.
    discord.refuseConnections(true);
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    await().atMost(WAIT).until(() -> discord.connections() >= 3);
    java.util.List<Long> times = discord.connectTimes();
    assertThat(Duration.ofNanos(times.get(2) - times.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000)); // second wait: 1 to 2 s
    discord.refuseConnections(false);
    awaitConnected();
    assertThat(discord.connections()).isLessThanOrEqualTo(8);
    supervisor.close();
    supervisor = null;

    // A token Discord refuses: the platform is failed with the reason, not retried, /health 503.
    Map<String, String> wrong = env();
    wrong.put("DISCORD_BOT_TOKEN", "MTA5.refused-token.abcdef");
    int before = discord.connections();
    supervisor = new StandInSupervisor(home, wrong, Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(s -> s.platforms().containsKey("discord")
                && "failed".equals(s.platforms().get("discord").state()))
            .orElse(false));
    String error = StateFile.read(home).orElseThrow().platforms().get("discord").lastError();
    assertThat(error).contains("401").doesNotContain("refused-token");
    assertThat(supervisor.current().get("/health").status()).isEqualTo(503);
    assertThat(discord.connections())
        .as("no gateway connection with a refused token")
        .isEqualTo(before);
    assertThat(supervisor.current().output()).doesNotContain("refused-token");
  }
}
