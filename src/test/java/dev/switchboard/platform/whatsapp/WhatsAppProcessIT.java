package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.whatsapp.fake.FakeGraphApi;
import dev.switchboard.platform.whatsapp.fake.SentMessage;
import dev.switchboard.platform.whatsapp.fake.WebhookSender;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.StandInSupervisor;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway as a child process with WhatsApp enabled against the fake Cloud API: Meta's
 * signed deliveries come to its webhook, its answers go to the fake's Graph API.
 */
class WhatsAppProcessIT {
  private static final String ADA = "15550100100";
  private static final String BOB = "447700900123";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private FakeGraphApi meta;
  private int port;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    meta = FakeGraphApi.start(
        WhatsAppTesting.TOKEN, WhatsAppTesting.PHONE_ID, WhatsAppTesting.APP_SECRET);
    port = WhatsAppTesting.freePort();
    meta.callbackUrl(URI.create(webhookUrl()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
    meta.close();
  }

  private String webhookUrl() {
    return "http://127.0.0.1:" + port + "/whatsapp";
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("WHATSAPP_ACCESS_TOKEN", WhatsAppTesting.TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", WhatsAppTesting.PHONE_ID);
    env.put("WHATSAPP_APP_SECRET", WhatsAppTesting.APP_SECRET);
    env.put("WHATSAPP_VERIFY_TOKEN", WhatsAppTesting.VERIFY);
    env.put("WHATSAPP_API_URL", meta.baseUrl());
    env.put("WHATSAPP_WEBHOOK_LISTEN", "127.0.0.1:" + port);
    env.put("WHATSAPP_ALLOWED_USERS", "+" + ADA + "," + BOB);
    env.put("WHATSAPP_ADMIN_USERS", ADA);
    env.putAll(extra);
    return env;
  }

  private ChildGateway start(Map<String, String> env) throws Exception {
    ChildGateway gw = ChildGateway.run(home, env);
    closeAfter.add(gw);
    gw.awaitRunning();
    awaitConnected(gw);
    return gw;
  }

  private void awaitConnected(ChildGateway gw) throws Exception {
    try {
      await()
          .atMost(WAIT)
          .until(() -> StateFile.read(home)
              .map(s -> s.platforms().get("whatsapp"))
              .filter(p -> p.state().equals("connected"))
              .isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("whatsapp not connected:\n" + gw.output(), e);
    }
  }

  private SentMessage awaitText(ChildGateway gw, String to, String text) throws Exception {
    try {
      return meta.awaitMessage(to, m -> m.text().equals(text), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ngateway output:\n" + gw.output(), e);
    }
  }

  private static long count(List<SentMessage> messages, String text) {
    return messages.stream().filter(m -> m.text().contains(text)).count();
  }

  private long inboundRows() throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + home.resolve("switchboard.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM inbound WHERE platform = 'whatsapp'")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void aMessageComesInAndItsAnswerGoesOut() throws Exception {
    ChildGateway gw = start(env(Map.of()));
    // Meta's check of the callback URL, as the app dashboard makes it.
    HttpResponse<String> verified = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(webhookUrl() + "?hub.mode=subscribe&hub.verify_token="
                    + WhatsAppTesting.VERIFY + "&hub.challenge=4242"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(verified.body()).isEqualTo("4242");

    String wamid = meta.textMessage(ADA, "Ada", "hello from whatsapp");
    SentMessage answer = awaitText(gw, ADA, "hello from whatsapp");
    assertThat(answer.quoted()).isEqualTo(wamid);
    assertThat(answer.type()).isEqualTo("text");
    assertThat(meta.reads()).contains(wamid); // marked read, with the typing indicator
    assertThat(gw.output()).doesNotContain(WhatsAppTesting.TOKEN);
    assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
        .doesNotContain(WhatsAppTesting.TOKEN)
        .doesNotContain(WhatsAppTesting.APP_SECRET);
  }

  @Test
  void aMissingAppSecretExits78NamingTheKeyWithoutShowingTheToken() throws Exception {
    Map<String, String> noSecret = env(Map.of());
    noSecret.remove("WHATSAPP_APP_SECRET");
    ChildGateway gw = ChildGateway.run(home, noSecret);
    closeAfter.add(gw);
    assertThat(gw.awaitExit(WAIT)).isEqualTo(78);
    assertThat(gw.output())
        .contains("platforms.whatsapp.app_secret")
        .contains("WHATSAPP_APP_SECRET")
        .doesNotContain(WhatsAppTesting.TOKEN);
  }

  @Test
  void aStrangerGetsAPairingCodeAndIsAnsweredOnceApproved() throws Exception {
    Map<String, String> onlyAdmin = env(Map.of());
    onlyAdmin.remove("WHATSAPP_ALLOWED_USERS");
    ChildGateway gw = start(onlyAdmin);
    String stranger = "4915112345678";
    meta.textMessage(stranger, "Stranger", "hello agent");
    SentMessage code = meta.awaitMessage(
        stranger, m -> m.text().contains("switchboard pairing approve whatsapp"), WAIT);
    String pairing = code.text().replaceAll("(?s).*approve whatsapp ([A-Z0-9]{8}).*", "$1");
    ChildGateway.Result approve = ChildGateway.cli(
        Map.of(), "pairing", "approve", "--home", home.toString(), "whatsapp", pairing);
    assertThat(approve.exitCode()).as(approve.output()).isZero();
    meta.textMessage(stranger, "Stranger", "now?");
    awaitText(gw, stranger, "now?");
    assertThat(meta.messages(stranger)).noneMatch(m -> m.text().equals("hello agent"));
  }

  @Test
  void aWronglySignedDeliveryLeavesNoTraceInTheStore() throws Exception {
    ChildGateway gw = start(env(Map.of()));
    byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
            + "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"" + WhatsAppTesting.PHONE_ID + "\"},"
            + "\"messages\":[{\"from\":\"" + ADA + "\",\"id\":\"wamid.FORGED\",\"timestamp\":"
            + "\"1739321024\",\"type\":\"text\",\"text\":{\"body\":\"/restart\"}}]}}]}]}")
        .getBytes(StandardCharsets.UTF_8);
    HttpClient client = HttpClient.newHttpClient();
    for (String signature :
        List.of(WebhookSender.sign("not-the-app-secret", body), "sha256=" + "0".repeat(64))) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create(webhookUrl()))
              .header("Content-Type", "application/json")
              .header("X-Hub-Signature-256", signature)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
    }
    HttpResponse<String> unsigned = client.send(
        HttpRequest.newBuilder(URI.create(webhookUrl()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(inboundRows()).isZero();

    // The same body signed with the app secret is taken: the count above could not be zero
    // only because nothing is ever stored.
    meta.deliver(tools.jackson.databind.json.JsonMapper.builder().build().readTree(body));
    await().atMost(WAIT).until(() -> inboundRows() == 1);
    assertThat(gw.process().isAlive()).isTrue();
  }

  @Test
  void killDashNineMidTurnThenMetasRetryIsAnsweredExactlyOnce() throws Exception {
    ChildGateway first = start(env(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "300ms")));
    String words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    // Meta never sees the gateway's 200s (lost on the way back), so the delivery stays in
    // flight: Meta sends it again and again while the turn runs, and through the kill.
    meta.webhook().loseAnswers(true);
    String wamid = meta.textMessage(BOB, "Bob", words);
    await().atMost(WAIT).until(() -> meta.reads().contains(wamid));
    await().atMost(WAIT).until(() -> meta.webhook().attempts().size() >= 2);
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(10));
    meta.textMessage(BOB, "Bob", "written while it was dead");
    // While the gateway is down Meta's retries find nothing listening; then answers get through.
    await()
        .atMost(WAIT)
        .until(() -> meta.webhook().attempts().stream().anyMatch(a -> a.status() == 0));
    meta.webhook().loseAnswers(false);

    ChildGateway second = start(env(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "10ms")));
    awaitText(second, BOB, "written while it was dead");
    meta.awaitMessage(BOB, m -> m.text().contains(words), WAIT);
    await().atMost(WAIT).until(() -> meta.webhook().idle());
    meta.redeliver(wamid); // once more, to the new process itself
    await().atMost(WAIT).until(() -> meta.webhook().idle());
    meta.textMessage(BOB, "Bob", "last one");
    awaitText(second, BOB, "last one");
    List<SentMessage> bob = meta.messages(BOB);
    assertThat(count(bob, words)).as("answers to the killed turn: %s", bob).isEqualTo(1);
    assertThat(count(bob, "written while it was dead")).isEqualTo(1);
    assertThat(count(bob, "last one")).isEqualTo(1);
  }

  @Test
  void restartFromWhatsAppUnderASupervisorSaysRestartedOnceInThatChat() throws Exception {
    StandInSupervisor supervisor =
        new StandInSupervisor(home, env(Map.of()), Duration.ofSeconds(1));
    closeAfter.add(supervisor);
    supervisor.current().awaitRunning();
    awaitConnected(supervisor.current());
    String restart = meta.textMessage(ADA, "Ada", "/restart");
    meta.awaitMessage(ADA, m -> m.text().contains("Restarting"), WAIT);
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    ChildGateway second = supervisor.current();
    second.awaitRunning();
    meta.awaitMessage(ADA, m -> m.text().contains("Gateway restarted"), WAIT);

    meta.redeliver(restart); // Meta sends the /restart again: nothing happens
    meta.textMessage(ADA, "Ada", "still the same process?");
    awaitText(second, ADA, "still the same process?");
    assertThat(second.process().isAlive()).isTrue();
    assertThat(supervisor.children()).hasSize(2);
    assertThat(supervisor.exitCodes()).containsExactly(75);
    List<SentMessage> ada = meta.messages(ADA);
    assertThat(count(ada, "Gateway restarted")).isEqualTo(1);
    assertThat(count(ada, "Restarting")).isEqualTo(1);
  }
}
