package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.mattermost.fake.FakeMattermostServer;
import dev.switchboard.testing.ReconnectScenarios;
import dev.switchboard.testing.TcpGate;
import java.util.List;
import java.util.Map;

/**
 * The reconnect scenarios ({@link ReconnectScenarios}) with Mattermost: the REST API and the
 * WebSocket both go through the gate, on one port. Mattermost keeps a dropped connection's
 * events, and replays them to a reconnect that names the connection and the next number.
 */
class MattermostReconnectProcessIT extends ReconnectScenarios {
  private static final String TOKEN = "reconnectmattermost0000001";
  private static final String SAM = "sam00000000000000000000000";
  private static final String DM = "dmsam000000000000000000000";

  private FakeMattermostServer mattermost;

  @Override
  protected String platform() {
    return "mattermost";
  }

  @Override
  protected void startFake() throws Exception {
    mattermost = new FakeMattermostServer(TOKEN);
  }

  @Override
  protected void closeFake() throws Exception {
    mattermost.close();
  }

  @Override
  protected int fakePort() {
    return mattermost.port();
  }

  @Override
  protected Map<String, String> platformEnv(TcpGate gate) {
    // The messages written during an outage arrive together (one sync answer, one replay): with
    // the default busy policy the second may interrupt the first's turn (right, but not what
    // these scenarios are about), so each is answered in turn, as TelegramReconnectProcessIT does.
    return Map.of(
        "SWITCHBOARD_BUSY_POLICY",
        "queue",
        "MATTERMOST_TOKEN",
        TOKEN,
        "MATTERMOST_URL",
        gate.via(mattermost.url()),
        "MATTERMOST_ALLOWED_USERS",
        SAM);
  }

  @Override
  protected List<String> secrets() {
    return List.of(TOKEN);
  }

  @Override
  protected boolean fakeSeesAConnection() {
    return mattermost.connected();
  }

  @Override
  protected void write(String text) {
    mattermost.directMessage(SAM, "sam", DM, text);
  }

  @Override
  protected long replies(String text) {
    return mattermost.posts(DM).stream().filter(p -> p.message().contains(text)).count();
  }

  @Override
  protected void refuseCredentials(boolean refuse) {
    mattermost.refuseToken(refuse);
  }

  @Override
  protected void dropConnection() {
    mattermost.dropConnection();
  }

  @Override
  protected String unreachableErrorNames() {
    return "GET /users/me";
  }

  @Override
  protected String refusedErrorSays() {
    return "401";
  }

  @Override
  protected List<String> refusedWhileRunningSays() {
    return List.of("401");
  }

  @Override
  protected void afterRefusedAttempts() {
    assertThat(mattermost.connectionsOpened()).isZero();
  }

  @Override
  protected void afterResumed() {
    assertThat(mattermost.resumes()).isPositive();
  }
}
