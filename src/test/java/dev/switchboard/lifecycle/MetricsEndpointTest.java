package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.echo.EchoBackend;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.MetricsEndpoint;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.PrometheusParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** /metrics of a gateway in this JVM: Prometheus text that follows what the gateway did. */
class MetricsEndpointTest {
  /** A sample line of the text format: name, optional labels, a value, optional timestamp. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})?"
          + " (-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?");

  private static final Pattern COMMENT =
      Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]*"
          + " (counter|gauge|histogram|summary|untyped))");

  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final InMemoryAdapter chat = new InMemoryAdapter("chat");
  private RuntimeHarness h;

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(h);
    client.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://" + h.state().http() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double value(String body, String sample) {
    return body.lines()
        .filter(l -> l.startsWith(sample + " "))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring(sample.length() + 1).split(" ")[0]))
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in:\n" + body));
  }

  /** A gateway with the echo agent that has answered "hello" from alice. */
  private void startAndSayHello() throws Exception {
    h = new RuntimeHarness(home);
    h.adapters.add(chat);
    h.backend = new EchoBackend(Duration.ZERO);
    h.httpServer = new HttpServer("127.0.0.1", 0);
    h.start();
    chat.deliver("alice", "hello");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains("hello"));
    // The JVM's meters are bound just after READY (GatewayMetrics.bindJvmMeters).
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(get("/metrics").body()).contains("jvm_memory_used_bytes{"));
  }

  @Test
  void theJvmsMetersAreBoundWhenTheStartAsksNotBefore() {
    try (GatewayMetrics metrics = new GatewayMetrics()) {
      assertThat(metrics.scrape()).doesNotContain("jvm_memory_used_bytes");
      metrics.bindJvmMeters();
      assertThat(metrics.scrape())
          .contains("jvm_memory_used_bytes{", "jvm_threads_live_threads", "process_uptime_seconds");
    }
  }

  @Test
  void repliesAPlatformRefusedAreCountedPerPlatform() {
    try (GatewayMetrics metrics = new GatewayMetrics()) {
      metrics.refused("telegram");
      metrics.refused("telegram");
      metrics.refused("slack");

      String body = metrics.scrape();
      assertThat(value(body, "switchboard_replies_refused_total{platform=\"telegram\"}"))
          .isEqualTo(2.0);
      assertThat(value(body, "switchboard_replies_refused_total{platform=\"slack\"}"))
          .isEqualTo(1.0);
    }
  }

  @Test
  void aSendAPlatformReportedFailedIsCountedAndItsOutboxEntryMarkedFailed() {
    InMemoryStore store = new InMemoryStore();
    Outbox outbox = store.outbox();
    Outbox.Entry sent = outbox.claim("r1", ChatRef.of("whatsapp", "4915112345678"), "hi", null);
    outbox.markSending(sent.id(), "hi");
    outbox.markSent(sent.id(), "wamid.A", "hi", true);
    try (GatewayMetrics metrics = new GatewayMetrics()) {
      LateSendFailures failures = new LateSendFailures(metrics, outbox);
      failures.failed("whatsapp", "wamid.A", "131026", "Meta reported it undelivered");
      failures.failed("whatsapp", "wamid.gone", "131026", "pruned long ago");

      assertThat(outbox.find("r1").orElseThrow().status()).isEqualTo(Outbox.Status.FAILED);
      assertThat(value(
              metrics.scrape(),
              "switchboard_platform_sends_failed_total{code=\"131026\",platform=\"whatsapp\"}"))
          .isEqualTo(2.0);
    }
  }

  @Test
  void sendsAPlatformReportedFailedAreCountedByPlatformAndCode() {
    try (GatewayMetrics metrics = new GatewayMetrics()) {
      metrics.sendFailed("whatsapp", "131047");
      metrics.sendFailed("whatsapp", "131047");
      metrics.sendFailed("whatsapp", "131026");

      String body = metrics.scrape();
      assertThat(value(
              body,
              "switchboard_platform_sends_failed_total{code=\"131047\",platform=\"whatsapp\"}"))
          .isEqualTo(2.0);
      assertThat(value(
              body,
              "switchboard_platform_sends_failed_total{code=\"131026\",platform=\"whatsapp\"}"))
          .isEqualTo(1.0);
    }
  }

  @Test
  void metricsAreValidTextFormatAndCountWhatHappened() throws Exception {
    startAndSayHello();
    chat.deliver("bob", "/status");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("bob")).contains("Session:"));

    // gauges must survive a collection (Micrometer's default weak reference would not)
    System.gc();
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
    String body = r.body();
    List<String> bad = body.lines()
        .filter(l ->
            !l.isEmpty() && !SAMPLE.matcher(l).matches() && !COMMENT.matcher(l).matches())
        .toList();
    assertThat(bad).as("lines that are not Prometheus text format").isEmpty();

    assertThat(value(body, "switchboard_messages_received_total{platform=\"chat\"}"))
        .isEqualTo(2.0);
    assertThat(value(body, "switchboard_messages_sent_total{platform=\"chat\"}"))
        .isGreaterThanOrEqualTo(2.0);
    // the echo turn was timed; /status is a command, not a turn
    assertThat(value(body, "switchboard_turn_duration_seconds_count{outcome=\"answered\"}"))
        .isEqualTo(1.0);
    assertThat(value(
            body, "switchboard_turn_duration_seconds_bucket{outcome=\"answered\",le=\"+Inf\"}"))
        .isEqualTo(1.0);
    assertThat(value(body, "switchboard_turns_active")).isZero();
    assertThat(value(body, "switchboard_messages_queued")).isZero();
    assertThat(value(body, "switchboard_platforms_connected")).isEqualTo(1.0);
    assertThat(value(body, "switchboard_platforms_enabled")).isEqualTo(1.0);
    assertThat(value(body, "switchboard_store_bytes"))
        .as("the SQLite file and its WAL")
        .isGreaterThanOrEqualTo(4096.0);
    assertThat(body)
        .contains(
            "jvm_memory_used_bytes{",
            "jvm_gc_",
            "jvm_threads_live_threads",
            "jvm_threads_virtual_scheduler_pool",
            "process_uptime_seconds");

    HttpResponse<String> post = client.send(
        HttpRequest.newBuilder(URI.create("http://" + h.state().http() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void theOfficialPrometheusParserReadsItWithTheRightTypes() throws Exception {
    startAndSayHello();
    JsonNode families = PrometheusParser.parse(get("/metrics").body());
    assertThat(families.path("switchboard_messages_received").path("type").asString())
        .isEqualTo("counter");
    JsonNode turns = families.path("switchboard_turn_duration_seconds");
    assertThat(turns.path("type").asString()).isEqualTo("histogram");
    assertThat(turns
            .path("samples")
            .valueStream()
            .filter(x -> x.path("name").asString().endsWith("_bucket"))
            .count())
        .isGreaterThan(5);
    assertThat(families.path("switchboard_turns_active").path("type").asString())
        .isEqualTo("gauge");
    assertThat(families.path("jvm_memory_used_bytes").path("type").asString()).isEqualTo("gauge");
    assertThat(families.path("switchboard_store_bytes").path("type").asString()).isEqualTo("gauge");
    assertThat(families.path("jvm_threads_virtual_mounted").path("type").asString())
        .isEqualTo("gauge");
    // and the parser is strict: a broken line is refused, so passing above means something
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PrometheusParser.parse("# TYPE x counter\nx_total{a=\"1\" 1\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("refused");
  }
}
