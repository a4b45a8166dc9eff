package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.testing.ReconnectScenarios;
import dev.switchboard.testing.TcpGate;
import java.util.List;
import java.util.Map;

/**
 * Issue 20 with Discord ({@link ReconnectScenarios}): REST and the gateway WebSocket both go
 * through the gate, since they share the fake's port. A cut connection is resumed, so Discord
 * replays what was written meanwhile.
 */
class DiscordReconnectProcessIT extends ReconnectScenarios {
  private static final String TOKEN = "MTA5.reconnect-test-token.abcdef";

  private FakeDiscordServer discord;

  @Override
  protected String platform() {
    return "discord";
  }

  @Override
  protected void startFake() throws Exception {
    discord = new FakeDiscordServer(TOKEN);
    discord.heartbeatInterval(5000);
  }

  @Override
  protected void closeFake() throws Exception {
    discord.close();
  }

  @Override
  protected int fakePort() {
    return discord.port();
  }

  @Override
  protected void advertisePort(int port) {
    discord.advertisePort(port);
  }

  @Override
  protected Map<String, String> platformEnv(TcpGate gate) {
    return Map.of(
        "DISCORD_BOT_TOKEN",
        TOKEN,
        "DISCORD_API_BASE_URL",
        gate.via(discord.apiBase().toString()),
        "DISCORD_ALLOWED_USERS",
        "u-bob");
  }

  @Override
  protected List<String> secrets() {
    return List.of(TOKEN);
  }

  @Override
  protected boolean fakeSeesAConnection() {
    return discord.connected();
  }

  @Override
  protected void write(String text) {
    discord.messageCreate("dm-bob", null, "u-bob", "bob", text);
  }

  @Override
  protected long replies(String text) {
    return discord.sent("dm-bob").stream()
        .filter(m -> m.content().contains(text))
        .count();
  }

  @Override
  protected void refuseCredentials(boolean refuse) {
    discord.refuseToken(refuse);
  }

  @Override
  protected void dropConnection() {
    discord.dropConnection();
  }

  @Override
  protected String unreachableErrorNames() {
    return "GET /gateway/bot";
  }

  @Override
  protected String refusedErrorSays() {
    return "401";
  }

  /** Reset in the Developer Portal while running: the resume is closed with 4004. */
  @Override
  protected List<String> refusedWhileRunningSays() {
    return List.of("4004", "401", "authentication");
  }

  @Override
  protected void afterResumed() {
    assertThat(discord.resumes()).as("the session was resumed").isPositive();
  }
}
