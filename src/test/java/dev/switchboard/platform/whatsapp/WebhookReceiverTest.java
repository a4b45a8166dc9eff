package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.whatsapp.fake.WebhookSender;
import dev.switchboard.testing.ManualClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Meta's verification request and signed deliveries, on the receiver alone. */
class WebhookReceiverTest {
  private static final String BODY = """
      {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":\
      {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",\
      "phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Kerry Fisher"},\
      "wa_id":"16315551234"}],"messages":[{"from":"16315551234","id":"wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W",\
      "timestamp":"1603059201","text":{"body":"Hello this is an answer"},"type":"text"}]},\
      "field":"messages"}]}]}""";

  private final ManualClock clock = new ManualClock();
  private final BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookReceiver.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private volatile boolean failTake;
  private WebhookReceiver receiver;
  private String url;

  @BeforeEach
  void start() throws Exception {
    logs.start();
    logger.addAppender(logs);
    Map<ConfigKey<?>, Object> values = Map.of(
        WhatsAppSettings.WEBHOOK_LISTEN,
        "127.0.0.1:" + WhatsAppTesting.freePort(),
        WhatsAppSettings.WEBHOOK_PATH,
        "/hooks/wa");
    WhatsAppSettings settings = WhatsAppTesting.settings(values);
    receiver = new WebhookReceiver(
        settings,
        TrustedProxies.none(),
        new NotificationParser(WhatsAppTesting.PHONE_ID),
        n -> {
          if (failTake) {
            throw new IllegalStateException("the store is gone");
          }
          received.put(n);
        },
        new Heartbeat("webhook", Duration.ofDays(1), clock),
        clock);
    url = "http://127.0.0.1:" + receiver.start().getPort() + "/hooks/wa";
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
    logger.detachAppender(logs);
    client.close();
  }

  private HttpResponse<String> verify(String mode, String token, String challenge)
      throws Exception {
    String query = "hub.mode=" + mode + "&hub.verify_token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&hub.challenge=" + challenge;
    return client.send(
        HttpRequest.newBuilder(URI.create(url + "?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(byte[] body, String signature) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header("X-Hub-Signature-256", signature);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metasVerificationGetsTheChallengeBackAsPlainText() throws Exception {
    HttpResponse<String> ok = verify("subscribe", WhatsAppTesting.VERIFY, "1158201444");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
  }

  @Test
  void aWrongVerifyTokenOrModeIs403() throws Exception {
    assertThat(verify("subscribe", "not-the-token", "1").statusCode()).isEqualTo(403);
    assertThat(verify("subscribe", WhatsAppTesting.VERIFY + "x", "1").statusCode())
        .isEqualTo(403);
    assertThat(verify("unsubscribe", WhatsAppTesting.VERIFY, "1").statusCode()).isEqualTo(403);
    HttpResponse<String> noToken = client.send(
        HttpRequest.newBuilder(URI.create(url + "?hub.mode=subscribe&hub.challenge=1"))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).doesNotContain("1");
  }

  @Test
  void aSignedDeliveryIsHandedOnBeforeTheAnswer() throws Exception {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(body, WebhookSender.sign(WhatsAppTesting.APP_SECRET, body));
    assertThat(r.statusCode()).isEqualTo(200);
    Notification n = received.poll(); // already there when the answer came
    assertThat(n).isNotNull();
    assertThat(n.messages()).singleElement().satisfies(m -> {
      assertThat(m.messageId()).isEqualTo("wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W");
      assertThat(m.chat().chatId()).isEqualTo("16315551234");
      assertThat(m.sender().displayName()).isEqualTo("Kerry Fisher");
      assertThat(m.text()).isEqualTo("Hello this is an answer");
    });
  }

  @Test
  void aMissingOrWrongSignatureIs401AndNothingIsHandedOn() throws Exception {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    String right = WebhookSender.sign(WhatsAppTesting.APP_SECRET, body);
    char last = right.charAt(right.length() - 1);
    String oneOff = right.substring(0, right.length() - 1) + (last == '0' ? '1' : '0');
    for (String signature : List.of(
        "",
        "sha256=",
        oneOff,
        right.replace("sha256=", "sha1="),
        WebhookSender.sign("another-secret", body),
        right.substring(7))) {
      assertThat(post(body, signature).statusCode()).as(signature).isEqualTo(401);
    }
    assertThat(post(body, null).statusCode()).isEqualTo(401);
    byte[] changed = BODY.replace("Hello", "Transfer").getBytes(StandardCharsets.UTF_8);
    assertThat(post(changed, right).statusCode()).isEqualTo(401);
    assertThat(received).isEmpty();
    // One warning for the lot, at most one a minute.
    assertThat(logs.list)
        .filteredOn(e -> e.getFormattedMessage().contains("refused"))
        .hasSize(1);
  }

  @Test
  void aSignedBodyThatIsNotJsonIs400WithAClearBody() throws Exception {
    byte[] body = "{\"object\": \"whatsapp_business_acc".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(body, WebhookSender.sign(WhatsAppTesting.APP_SECRET, body));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("not valid JSON");
    assertThat(received).isEmpty();
    byte[] array = "[1,2]".getBytes(StandardCharsets.UTF_8);
    assertThat(
            post(array, WebhookSender.sign(WhatsAppTesting.APP_SECRET, array)).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aDeliveryTheGatewayCouldNotTakeIsNotAcknowledged() throws Exception {
    failTake = true;
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    assertThat(post(body, WebhookSender.sign(WhatsAppTesting.APP_SECRET, body)).statusCode())
        .isEqualTo(503);
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    HttpResponse<String> other = client.send(
        HttpRequest.newBuilder(URI.create(url.replace("/hooks/wa", "/other")))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
    HttpResponse<String> put = client.send(
        HttpRequest.newBuilder(URI.create(url))
            .PUT(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
  }
}
