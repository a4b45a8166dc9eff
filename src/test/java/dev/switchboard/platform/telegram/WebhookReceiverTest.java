package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.testing.ManualClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** The webhook listener on its own: its secret, its warnings and its hardened server. */
class WebhookReceiverTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh";
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private final ManualClock clock = new ManualClock();
  private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookReceiver.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private WebhookReceiver receiver;
  private String url;

  @BeforeEach
  void start() throws Exception {
    logs.start();
    logger.addAppender(logs);
    Map<ConfigKey<?>, Object> values = Map.of(
        TelegramSettings.TOKEN,
        TOKEN,
        TelegramSettings.MODE,
        TelegramSettings.Mode.WEBHOOK,
        TelegramSettings.WEBHOOK_URL,
        "https://bot.example.org/tg/hook",
        TelegramSettings.WEBHOOK_SECRET,
        SECRET,
        TelegramSettings.WEBHOOK_LISTEN,
        "127.0.0.1:" + freePort()); // a configured port is 1 to 65535, so not 0
    TelegramSettings settings = TelegramSettings.from(
        Config.defaults(ConfigSchema.of(TelegramSettings.keys())).with(values));
    receiver = new WebhookReceiver(
        settings,
        TrustedProxies.none(),
        new UpdateParser(new BotIdentity(42, "switchboard_bot"), settings.groupTrigger()),
        received::put,
        new Heartbeat("webhook", Duration.ofDays(1), clock),
        clock);
    url = "http://127.0.0.1:" + receiver.start().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws Exception {
    logger.detachAppender(logs);
    receiver.close();
  }

  private HttpResponse<String> post(String path, String secret) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"update_id\":1}"));
    if (secret != null) {
      b.header(WebhookReceiver.SECRET_HEADER, secret);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void aFloodOfWrongSecretsCostsOneWarningAMinuteWithItsCount() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertThat(post("/tg/hook", i % 3 == 0 ? null : "guess-" + i).statusCode())
          .isEqualTo(401);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().getFirst()).contains("refused 1 request(s)").contains("127.0.0.1");

    clock.advance(Duration.ofSeconds(30)); // a minute after the first line
    assertThat(post("/tg/hook", "guess").statusCode()).isEqualTo(401);
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1)).contains("refused 30 request(s)");
    assertThat(String.join("\n", warnings())).doesNotContain(SECRET).doesNotContain("guess");

    assertThat(post("/tg/hook", SECRET).statusCode()).isEqualTo(200);
    assertThat(warnings()).hasSize(2);
  }

  @Test
  void itsErrorsAreJsonFromAServerThatDoesNotNameItself() throws Exception {
    for (HttpResponse<String> r : List.of(post("/elsewhere", SECRET), post("/tg/hook", "guess"))) {
      assertThat(r.statusCode()).isIn(401, 404);
      assertThat(r.headers().firstValue("Server")).isEmpty();
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(JsonMapper.builder().build().readTree(r.body()).path("error").isString())
          .as(r.body())
          .isTrue();
    }
    HttpResponse<String> get = client.send(
        HttpRequest.newBuilder(URI.create(url + "/tg/hook")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(received).isEmpty();
  }
}
