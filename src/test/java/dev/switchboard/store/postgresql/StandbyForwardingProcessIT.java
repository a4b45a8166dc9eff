package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.PostgresServer;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two built gateways on one PostgreSQL database, the second standing by: a browser and an API
 * client that reach the standby are answered by the active gateway through it, and a web chat
 * conversation begun through one instance goes on through the other, and at the one that took
 * over after the active one was killed (kept in the database), where a cookie logged out
 * before the kill stays logged out. Both are given the same
 * login token (http.login_token, as a cluster's instances are from a Secret), so one login
 * cookie serves.
 */
class StandbyForwardingProcessIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String LOGIN_TOKEN = "cluster-login-token-0123456789abcdef";
  private static final String API_KEY = "sk-cluster-test-key-0123456789abcdef";
  private static final PostgresServer SERVER = PostgresServer.shared();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  private final List<ChildGateway> gateways = new ArrayList<>();
  private final HttpClient browser =
      HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

  @BeforeEach
  void startTwo() throws Exception {
    String url = SERVER.newDatabase("forwarding");
    for (String name : List.of("a", "b")) {
      Path home = dir.resolve(name);
      Files.createDirectories(home);
      gateways.add(ChildGateway.run(
          home,
          Map.of(
              "SWITCHBOARD_DATABASE_URL", url,
              "SWITCHBOARD_LEASE_TTL", "3s",
              "SWITCHBOARD_WEB_TOKEN", LOGIN_TOKEN,
              "API_SERVER_KEY", API_KEY)));
      gateways.getLast().awaitState(name.equals("a") ? GatewayState.RUNNING : "standby", START);
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    browser.close();
    for (ChildGateway g : gateways) {
      g.close();
      g.process().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String base(int n) {
    return "http://" + StateFile.read(gateways.get(n).home()).orElseThrow().http();
  }

  private HttpResponse<String> post(int n, String path, String json) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(base(n) + path))
            .header("Content-Type", "application/json")
            .header("Origin", base(n))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(int n, String path) throws Exception {
    HttpResponse<String> r = browser.send(
        HttpRequest.newBuilder(URI.create(base(n) + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Waits until the conversation, read through gateway {@code n}, shows {@code text}. */
  private void awaitInHistory(int n, String chat, String text) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(n, "/api/web/chats/" + chat + "/messages").toString().contains(text));
  }

  @Test
  void aStandbyIsReadyAndServesTheWebChatAndTheApiThroughTheActiveGateway() throws Exception {
    ChildGateway.HttpResult ready = gateways.get(1).get("/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body())
        .contains("standby")
        .contains("requests are forwarded to it")
        .doesNotContain(base(0).substring("http://".length()));
    assertThat(gateways.get(1).get("/health").status()).isEqualTo(503);

    // logged in, a conversation begun and a message answered, all through the standby
    assertThat(post(1, "/api/web/login", "{\"token\":\"" + LOGIN_TOKEN + "\"}").statusCode())
        .isEqualTo(204);
    HttpResponse<String> created = post(1, "/api/web/chats", "{}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String chat = JSON.readTree(created.body()).path("id").asString();
    HttpResponse<String> first =
        post(1, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m1\",\"text\":\"one via b\"}");
    assertThat(first.statusCode()).as(first.body()).isBetween(200, 202);
    awaitInHistory(1, chat, "one via b");

    // the same conversation goes on through the active gateway, and is read through either
    post(0, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m2\",\"text\":\"two via a\"}");
    awaitInHistory(1, chat, "two via a");
    assertThat(get(0, "/api/web/chats/" + chat + "/messages").toString())
        .contains("one via b")
        .contains("two via a");
    assertThat(gateways.get(1).output()).doesNotContain("two via a");
    assertThat(Files.exists(gateways.get(0).home().resolve("web_token"))).isFalse();
    for (ChildGateway g : gateways) {
      assertThat(g.output())
          .contains("the login token is in the setting http.login_token")
          .doesNotContain(LOGIN_TOKEN);
    }

    // the OpenAI-compatible API through the standby
    HttpResponse<String> completion = browser.send(
        HttpRequest.newBuilder(URI.create(base(1) + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + API_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"switchboard\",\"messages\":[{\"role\":\"user\",\"content\":\"api"
                    + " via b\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
    assertThat(JSON.readTree(completion.body())
            .path("choices")
            .get(0)
            .path("message")
            .path("content")
            .asString())
        .contains("api via b");
    assertThat(gateways.get(1).get("/metrics").body())
        .as("its own metrics, not the active one's")
        .containsPattern("(?m)^switchboard_lease_held(\\{[^}]*})? 0");
  }

  @Test
  void whenTheActiveGatewayStopsTheStandbyServesTheSameAddressItself() throws Exception {
    gateways.get(0).signal("TERM");
    gateways.get(1).awaitState(GatewayState.RUNNING, START);
    assertThat(post(1, "/api/web/login", "{\"token\":\"" + LOGIN_TOKEN + "\"}").statusCode())
        .isEqualTo(204);
    HttpResponse<String> created = post(1, "/api/web/chats", "{}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String chat = JSON.readTree(created.body()).path("id").asString();
    post(1, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m1\",\"text\":\"after a\"}");
    awaitInHistory(1, chat, "after a");
    assertThat(gateways.get(1).get("/ready").status()).isEqualTo(200);
  }

  @Test
  void aConversationGoesOnAtTheGatewayThatTookOverAfterTheActiveOneWasKilled() throws Exception {
    assertThat(post(1, "/api/web/login", "{\"token\":\"" + LOGIN_TOKEN + "\"}").statusCode())
        .isEqualTo(204);
    String chat =
        JSON.readTree(post(1, "/api/web/chats", "{}").body()).path("id").asString();
    post(1, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m1\",\"text\":\"before the kill\"}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> agentReplies(get(1, "/api/web/chats/" + chat + "/messages")) == 1);

    // a second browser logs in and out through the standby: the active gateway records it. A
    // cookie is its second of issue signed, so the two must come from different seconds.
    String mine = browserCookie();
    String other = await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> loginElsewhere(1), cookie -> !cookie.equals(mine));
    assertThat(withCookie(1, "GET", "/api/web/chats", other).statusCode()).isEqualTo(200);
    assertThat(withCookie(1, "POST", "/api/web/logout", other).statusCode()).isEqualTo(204);

    gateways.get(0).signal("KILL");
    gateways.get(1).awaitState(GatewayState.RUNNING, START);

    // the logged-out cookie stays logged out at the gateway that took over
    assertThat(withCookie(1, "GET", "/api/web/chats", other).statusCode()).isEqualTo(401);

    // the first browser's cookie, the same conversation, its title and its answer, on the new
    // gateway
    JsonNode list = get(1, "/api/web/chats");
    assertThat(list.path("chats").get(0).path("id").asString()).isEqualTo(chat);
    assertThat(list.path("chats").get(0).path("title").asString()).isEqualTo("before the kill");
    JsonNode page = get(1, "/api/web/chats/" + chat + "/messages");
    assertThat(page.path("messages").get(0).path("text").asString()).isEqualTo("before the kill");
    assertThat(agentReplies(page)).isEqualTo(1);

    // a retried send is the same message; a new one is answered there
    HttpResponse<String> retried = post(
        1, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m1\",\"text\":\"before the kill\"}");
    assertThat(retried.statusCode()).as(retried.body()).isBetween(200, 202);
    post(1, "/api/web/chats/" + chat + "/messages", "{\"id\":\"m2\",\"text\":\"after the kill\"}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> agentReplies(get(1, "/api/web/chats/" + chat + "/messages")) == 2);
    JsonNode after = get(1, "/api/web/chats/" + chat + "/messages");
    List<String> users = new ArrayList<>();
    after.path("messages").forEach(m -> {
      if (m.path("role").asString().equals("user")) {
        users.add(m.path("text").asString());
      }
    });
    assertThat(users).containsExactly("before the kill", "after the kill");
    for (ChildGateway g : gateways) {
      try (var files = Files.walk(g.home())) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .as("the conversation is in the database, not in a state directory")
            .noneMatch(name -> name.endsWith(".jsonl"));
      }
    }
  }

  /** The login cookie the browser holds, as a Cookie header gives it. */
  private String browserCookie() {
    return ((CookieManager) browser.cookieHandler().orElseThrow())
        .getCookieStore().getCookies().stream()
            .filter(c -> c.getName().equals("switchboard_login"))
            .map(c -> c.getName() + "=" + c.getValue())
            .findFirst()
            .orElseThrow();
  }

  /** Logs in through gateway {@code n} as another browser would; returns its cookie. */
  private String loginElsewhere(int n) throws Exception {
    try (HttpClient plain = HttpClient.newHttpClient()) {
      HttpResponse<String> r = plain.send(
          HttpRequest.newBuilder(URI.create(base(n) + "/api/web/login"))
              .header("Content-Type", "application/json")
              .header("Origin", base(n))
              .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + LOGIN_TOKEN + "\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(204);
      String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      return setCookie.substring(0, setCookie.indexOf(';'));
    }
  }

  private HttpResponse<String> withCookie(int n, String method, String path, String cookie)
      throws Exception {
    try (HttpClient plain = HttpClient.newHttpClient()) {
      return plain.send(
          HttpRequest.newBuilder(URI.create(base(n) + path))
              .header("Cookie", cookie)
              .header("Origin", base(n))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  method.equals("GET")
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString("{}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static int agentReplies(JsonNode page) {
    int n = 0;
    for (JsonNode m : page.path("messages")) {
      if (m.path("role").asString().equals("agent")) {
        n++;
      }
    }
    return n;
  }
}
