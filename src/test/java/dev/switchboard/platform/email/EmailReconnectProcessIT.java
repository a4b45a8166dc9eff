package dev.switchboard.platform.email;

import dev.switchboard.testing.ReconnectScenarios;
import dev.switchboard.testing.TcpGate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconnect scenarios ({@link ReconnectScenarios}) with email: the IMAP connection goes
 * through the gate (SMTP does not: a reply is sent on a connection of its own, and a failed one
 * is retried by the outbox). The folder keeps what arrived while the gateway was away, and the
 * saved UID position says where to go on.
 */
class EmailReconnectProcessIT extends ReconnectScenarios {
  private static final String SAM = "sam@example.com";

  private MailServer server;
  private TcpGate gate;

  @Override
  protected String platform() {
    return "email";
  }

  @Override
  protected void startFake() {
    server = new MailServer();
  }

  @Override
  protected void closeFake() {
    server.close();
  }

  @Override
  protected int fakePort() {
    return server.imapPort();
  }

  @Override
  protected Map<String, String> platformEnv(TcpGate gate) {
    this.gate = gate;
    Map<String, String> env = new HashMap<>(server.env(gate.port()));
    // Mails written during an outage arrive together; each is answered in turn.
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    env.put("EMAIL_ALLOWED_USERS", SAM);
    return env;
  }

  @Override
  protected List<String> secrets() {
    return List.of(MailServer.PASSWORD);
  }

  @Override
  protected boolean fakeSeesAConnection() {
    return gate != null && gate.mode() == TcpGate.Mode.OPEN;
  }

  @Override
  protected void write(String text) {
    server.write(SAM, "note", text);
  }

  @Override
  protected long replies(String text) {
    return server.textsSentTo(SAM).stream().filter(t -> t.contains(text)).count();
  }

  @Override
  protected void refuseCredentials(boolean refuse) {
    server.refusePassword(refuse);
  }

  @Override
  protected void dropConnection() {
    gate.cut();
  }

  @Override
  protected String unreachableErrorNames() {
    return "could not reach the IMAP server";
  }

  @Override
  protected String refusedErrorSays() {
    return "refused the login";
  }

  @Override
  protected List<String> refusedWhileRunningSays() {
    return List.of("refused the login");
  }

  @Override
  protected void afterResumed() {
    // The folder is the record: nothing to check beyond the answers, each given once.
  }
}
