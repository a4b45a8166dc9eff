package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.StandInSupervisor;
import dev.switchboard.testing.TcpGate;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built gateway with email against a real IMAP and SMTP server (GreenMail). */
class EmailProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BOB = "bob@example.com";
  private static final String ADA = "ada@example.com";
  private static final String EVE = "eve@example.net";

  @TempDir
  Path dir;

  private Path home;
  private MailServer server;
  private TcpGate gate;
  private StandInSupervisor supervisor;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    server = new MailServer();
    gate = TcpGate.to(server.imapPort(), TcpGate.Mode.OPEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (supervisor != null) {
      supervisor.close();
    }
    gate.close();
    server.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(server.env(gate.port()));
    env.put("EMAIL_ALLOWED_USERS", "Bob@Example.com");
    env.put("EMAIL_ADMIN_USERS", ADA);
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    return env;
  }

  private void awaitState(String state) throws Exception {
    try {
      await()
          .atMost(WAIT)
          .until(() -> StateFile.read(home)
              .map(s -> s.platforms().containsKey("email")
                  && state.equals(s.platforms().get("email").state()))
              .orElse(false));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "email not " + state + ": "
              + StateFile.read(home).map(s -> s.platforms().toString()).orElse("-") + "\n"
              + supervisor.current().output(),
          e);
    }
  }

  /** Mails to {@code address} whose text holds {@code text}. */
  private long said(String address, String text) {
    return server.textsSentTo(address).stream().filter(t -> t.contains(text)).count();
  }

  private MimeMessage mailTo(String address, String text) {
    List<MimeMessage> sent = server.sentTo(address);
    List<String> texts = server.textsSentTo(address);
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i).contains(text)) {
        return sent.get(i);
      }
    }
    throw new AssertionError("no mail to " + address + " holds '" + text + "': " + texts);
  }

  @Test
  void answersInTheThreadPairsAStrangerRidesOutACutAndRestartsFromAMail() throws Exception {
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitState("connected");

    String hello = server.write("Bob <bob@example.com>", "greetings", "hello there");
    await().atMost(WAIT).until(() -> said(BOB, "hello there") == 1);
    MimeMessage answer = mailTo(BOB, "hello there");
    assertThat(answer.getSubject()).isEqualTo("Re: greetings");
    assertThat(answer.getHeader("In-Reply-To", null)).isEqualTo("<" + hello + ">");
    assertThat(server.seen(hello)).isTrue();

    // A stranger gets a pairing code by mail, approved through the CLI, and is answered.
    String knock = server.write(EVE, "hi", "let me in");
    await().atMost(WAIT).until(() -> said(EVE, "switchboard pairing approve email ") == 1);
    Matcher code = Pattern.compile("switchboard pairing approve email (\\S+)")
        .matcher(server.textsSentTo(EVE).getFirst());
    assertThat(code.find()).isTrue();
    ChildGateway.Result approved = ChildGateway.cli(
        Map.of(), "pairing", "approve", "email", code.group(1), "--home", home.toString());
    assertThat(approved.exitCode()).as(approved.output()).isZero();
    server.reply(EVE, "hi", "thanks for letting me in", List.of(knock));
    await().atMost(WAIT).until(() -> said(EVE, "thanks for letting me in") == 1);

    // A mail whose sender the receiving server could not vouch for is left alone, unread.
    server.deliver("Authentication-Results: mx.example.org; dkim=fail header.d=example.com;"
        + " spf=fail smtp.mailfrom=example.com\r\nFrom: " + BOB + "\r\nTo: " + MailServer.BOT
        + "\r\nSubject: urgent\r\nMessage-ID: <forged-1@attacker.net>\r\n\r\nforged order\r\n");

    // The IMAP connection is cut: what is written meanwhile is answered once, after it is back.
    gate.cut();
    server.write(BOB, "while cut", "written while the connection was cut");
    await().atMost(WAIT).until(() -> said(BOB, "written while the connection was cut") == 1);
    assertThat(said(BOB, "forged order")).isZero();
    assertThat(server.seen("forged-1@attacker.net")).isFalse();

    // /restart by mail from the admin: exit 75, a new process, "Gateway restarted" once in
    // her thread; a mail written between the two processes is answered once.
    String restart = server.write(ADA, "ops", "/restart");
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));
    server.write(BOB, "between", "written between two processes");
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    supervisor.children().getLast().awaitRunning();
    await().atMost(WAIT).until(() -> said(ADA, "Gateway restarted") == 1);
    assertThat(mailTo(ADA, "Gateway restarted").getHeader("References", null))
        .contains("<" + restart + ">");
    await().atMost(WAIT).until(() -> said(BOB, "written between two processes") == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> said(BOB, "written between two processes") == 1
            && said(ADA, "Gateway restarted") == 1
            && said(BOB, "hello there") == 1
            && said(BOB, "written while the connection was cut") == 1);
    String output =
        supervisor.children().getFirst().output() + supervisor.current().output();
    assertThat(output).doesNotContain(MailServer.PASSWORD).contains("left mail");
  }

  @Test
  void aRefusedPasswordIsAFailedPlatformWithTheReason() throws Exception {
    server.refusePassword(true);
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitState("failed");
    String error = StateFile.read(home).orElseThrow().platforms().get("email").lastError();
    assertThat(error)
        .contains("refused the login of " + MailServer.BOT)
        .doesNotContain(MailServer.PASSWORD);
    assertThat(supervisor.current().get("/health").status()).isEqualTo(503);
    assertThat(supervisor.current().output()).doesNotContain(MailServer.PASSWORD);
  }
}
