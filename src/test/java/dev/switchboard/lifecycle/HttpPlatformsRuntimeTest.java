package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.echo.EchoBackend;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web chat, the API and the admin page in a whole gateway (real dispatcher, journal,
 * delivery, SQLite), driven over HTTP: the paths a browser and an API client take.
 */
class HttpPlatformsRuntimeTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String KEY = "sk-runtime-0123456789abcdef0123456789abcdef";

  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private RuntimeHarness h;
  private String base;
  private String cookie;

  private RuntimeHarness start(dev.switchboard.agent.AgentBackend backend) throws Exception {
    return start(backend, Map.of(), "/api/web/login");
  }

  private RuntimeHarness start(
      dev.switchboard.agent.AgentBackend backend, Map<String, String> extra, String loginPath)
      throws Exception {
    Map<String, String> env =
        new java.util.HashMap<>(Map.of("API_SERVER_KEY", KEY, "SWITCHBOARD_HTTP_PORT", "0"));
    env.putAll(extra);
    Config config = new ConfigLoader(PluginCatalog.discover().schema()).load(home, env);
    h = new RuntimeHarness(home);
    h.backend = backend;
    h.accessPolicy = PluginCatalog.discover().accessPolicy(config);
    h.adapters.addAll(PluginCatalog.discover().createEnabledPlatforms(config, home));
    h.httpServer = new HttpServer("127.0.0.1", 0);
    h.loginToken = LoginToken.loadOrCreate(home);
    h.start();
    base = "http://" + h.state().http();
    HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + loginPath))
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString("{\"token\":\"" + h.loginToken.reveal() + "\"}")));
    assertThat(login.statusCode()).isEqualTo(204);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    cookie = setCookie.substring(0, setCookie.indexOf(';'));
    return h;
  }

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(h);
    client.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(
        b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder web(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Cookie", cookie)
        .header("Content-Type", "application/json");
  }

  private CompletableFuture<HttpResponse<String>> complete(String text) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"switchboard\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String content(HttpResponse<String> r) {
    return JSON.readTree(r.body())
        .path("choices")
        .get(0)
        .path("message")
        .path("content")
        .asString();
  }

  @Test
  void theWebChatAnswersThroughTheWholeGateway() throws Exception {
    start(new EchoBackend(Duration.ZERO));
    String chat = JSON.readTree(
            send(web("/api/web/chats").POST(HttpRequest.BodyPublishers.ofString("{}")))
                .body())
        .path("id")
        .asString();
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      events.next("snapshot", 5);
      assertThat(send(web("/api/web/chats/" + chat + "/messages")
                  .POST(HttpRequest.BodyPublishers.ofString(
                      "{\"id\":\"m1\",\"text\":\"echo this\"}")))
              .statusCode())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode m = JSON.readTree(events.next("message", 10).data());
        return m.path("role").asString().equals("agent")
            && m.path("text").asString().equals("echo this");
      });
      assertThat(send(web("/api/web/chats/" + chat + "/messages")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"m2\",\"text\":\"/new\"}")))
              .statusCode())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode m = JSON.readTree(events.next("message", 10).data());
        return m.path("role").asString().equals("agent")
            && m.path("text").asString().toLowerCase().contains("new conversation");
      });
    }
  }

  @Test
  void anApiRequestIsAnAgentTurn() throws Exception {
    start(new EchoBackend(Duration.ZERO));
    HttpResponse<String> r = complete("ping pong").get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("ping pong");
    HttpResponse<String> command = complete("/nosuchcommand").get(20, TimeUnit.SECONDS);
    assertThat(content(command)).contains("Unknown command /nosuchcommand");
  }

  @Test
  void anApiTurnInFlightIsDrainedByARestartAndNewOnesAreRefused() throws Exception {
    GatedBackend gated = new GatedBackend();
    start(gated);
    CompletableFuture<HttpResponse<String>> inFlight = complete("long job");
    assertThat(gated.awaitStart(10).text()).isEqualTo("long job");
    HttpResponse<String> pressed =
        send(web("/api/admin/restart").POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(pressed.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> h.runtime.stopCoordinator().stopping());
    HttpResponse<String> refused = complete("too late").get(20, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(inFlight).isNotDone();
    gated.finish("long job");
    HttpResponse<String> answered = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(content(answered)).isEqualTo("done: long job");
    assertThat(h.exitCode()).isEqualTo(ExitCodes.RESTART);
  }

  @Test
  void theAdminStatusShowsPlatformsAndRunningSessions() throws Exception {
    GatedBackend gated = new GatedBackend();
    start(gated);
    assertThat(
            send(HttpRequest.newBuilder(URI.create(base + "/api/admin/status"))).statusCode())
        .isEqualTo(401);
    CompletableFuture<HttpResponse<String>> inFlight = complete("busy");
    gated.awaitStart(10);
    JsonNode status = JSON.readTree(send(web("/api/admin/status").GET()).body());
    assertThat(status.path("state").asString()).isEqualTo("running");
    assertThat(status.path("platforms").path("web").path("state").asString())
        .isEqualTo("connected");
    assertThat(status.path("platforms").path("api").path("state").asString())
        .isEqualTo("connected");
    assertThat(status.path("active_turns").asInt()).isEqualTo(1);
    assertThat(status.path("sessions").get(0).path("session").asString()).startsWith("api:");
    assertThat(status.path("sessions").get(0).path("turn_running").asBoolean()).isTrue();
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/admin"))).body())
        .contains("Restart gateway");
    gated.finishAll();
    assertThat(inFlight.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void withTheWebChatOffTheAdminPageLogsInByItself() throws Exception {
    start(
        new EchoBackend(Duration.ZERO),
        Map.of("SWITCHBOARD_WEB_ENABLED", "false"),
        "/api/admin/login");
    assertThat(h.state().platforms()).doesNotContainKey("web").containsKey("api");
    assertThat(send(web("/api/web/chats").GET()).statusCode()).isEqualTo(404);
    JsonNode status = JSON.readTree(send(web("/api/admin/status").GET()).body());
    assertThat(status.path("platforms").path("api").path("state").asString())
        .isEqualTo("connected");
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base + "/api/admin/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"nope\"}")));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("web_token");
  }
}
