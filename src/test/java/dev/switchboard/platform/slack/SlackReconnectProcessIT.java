package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.ReconnectScenarios;
import dev.switchboard.testing.TcpGate;
import java.util.List;
import java.util.Map;

/**
 * Issue 20 with Slack ({@link ReconnectScenarios}): the Web API and the Socket Mode WebSocket
 * both go through the gate, on one port. Slack keeps an event no connection acknowledged, and
 * sends it again on the next one.
 */
class SlackReconnectProcessIT extends ReconnectScenarios {
  private static final String BOT_TOKEN = "xoxb-1111-2222-reconnect";
  private static final String APP_TOKEN = "xapp-1-A1-3333-reconnect";

  private FakeSlackServer slack;

  @Override
  protected String platform() {
    return "slack";
  }

  @Override
  protected void startFake() throws Exception {
    slack = new FakeSlackServer(BOT_TOKEN, APP_TOKEN);
  }

  @Override
  protected void closeFake() throws Exception {
    slack.close();
  }

  @Override
  protected int fakePort() {
    return slack.port();
  }

  @Override
  protected void advertisePort(int port) {
    slack.advertisePort(port);
  }

  @Override
  protected Map<String, String> platformEnv(TcpGate gate) {
    return Map.of(
        "SLACK_BOT_TOKEN",
        BOT_TOKEN,
        "SLACK_APP_TOKEN",
        APP_TOKEN,
        "SLACK_API_BASE_URL",
        gate.via(slack.apiBase()),
        "SLACK_ALLOWED_USERS",
        "U-SAM");
  }

  @Override
  protected List<String> secrets() {
    return List.of(BOT_TOKEN, APP_TOKEN);
  }

  @Override
  protected boolean fakeSeesAConnection() {
    return slack.openConnections() > 0;
  }

  @Override
  protected void write(String text) {
    slack.directMessage("U-SAM", "D-SAM", text);
  }

  @Override
  protected long replies(String text) {
    return slack.posted("D-SAM").stream().filter(p -> p.text().contains(text)).count();
  }

  @Override
  protected void refuseCredentials(boolean refuse) {
    slack.refuseTokens(refuse);
  }

  @Override
  protected void dropConnection() {
    slack.dropConnection();
  }

  @Override
  protected String unreachableErrorNames() {
    return "auth.test";
  }

  @Override
  protected String refusedErrorSays() {
    return "invalid_auth";
  }

  /** Revoked while running: apps.connections.open answers invalid_auth. */
  @Override
  protected List<String> refusedWhileRunningSays() {
    return List.of("invalid_auth");
  }

  @Override
  protected void afterRefusedAttempts() {
    assertThat(slack.connectionsOpened()).isZero();
  }

  @Override
  protected void afterResumed() {
    assertThat(slack.unackedEnvelopes()).isZero();
  }
}
