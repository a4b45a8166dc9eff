package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.matrix.fake.FakeMatrixServer;
import dev.switchboard.testing.ReconnectScenarios;
import dev.switchboard.testing.TcpGate;
import java.util.List;
import java.util.Map;

/**
 * The reconnect scenarios ({@link ReconnectScenarios}) with Matrix: every call to the
 * homeserver goes through the gate. A homeserver keeps what arrived since the last sync
 * position, so a sync that resumes from the saved position gets it.
 */
class MatrixReconnectProcessIT extends ReconnectScenarios {
  private static final String TOKEN = "syt_reconnect_token_0001";
  private static final String SAM = "@sam:example.org";

  private FakeMatrixServer matrix;
  private String room;

  @Override
  protected String platform() {
    return "matrix";
  }

  @Override
  protected void startFake() throws Exception {
    matrix = new FakeMatrixServer(TOKEN);
    room = matrix.directRoom(SAM);
  }

  @Override
  protected void closeFake() throws Exception {
    matrix.close();
  }

  @Override
  protected int fakePort() {
    return matrix.port();
  }

  @Override
  protected Map<String, String> platformEnv(TcpGate gate) {
    // The messages written during an outage arrive together (one sync answer, one replay): with
    // the default busy policy the second may interrupt the first's turn (right, but not what
    // these scenarios are about), so each is answered in turn, as TelegramReconnectProcessIT does.
    return Map.of(
        "SWITCHBOARD_BUSY_POLICY",
        "queue",
        "MATRIX_ACCESS_TOKEN",
        TOKEN,
        "MATRIX_HOMESERVER",
        gate.via(matrix.url()),
        "MATRIX_ALLOWED_USERS",
        SAM);
  }

  @Override
  protected List<String> secrets() {
    return List.of(TOKEN);
  }

  @Override
  protected boolean fakeSeesAConnection() {
    return matrix.syncsInFlight() > 0;
  }

  @Override
  protected void write(String text) {
    matrix.text(room, SAM, text);
  }

  @Override
  protected long replies(String text) {
    // As a client shows them: a streamed reply's first event may hold only its first words.
    return matrix.sent(room).stream()
        .filter(s -> s.replacesEventId() == null)
        .filter(s -> matrix.shown(room, s.eventId()).contains(text))
        .count();
  }

  @Override
  protected void refuseCredentials(boolean refuse) {
    matrix.refuseToken(refuse);
  }

  @Override
  protected void dropConnection() {
    matrix.dropSyncs();
  }

  @Override
  protected String unreachableErrorNames() {
    return "account/whoami";
  }

  @Override
  protected String refusedErrorSays() {
    return "M_UNKNOWN_TOKEN";
  }

  @Override
  protected List<String> refusedWhileRunningSays() {
    return List.of("M_UNKNOWN_TOKEN");
  }

  @Override
  protected void afterRefusedAttempts() {
    assertThat(matrix.syncs()).isZero();
  }

  @Override
  protected void afterResumed() {
    assertThat(matrix.lastSince()).isNotNull();
  }
}
