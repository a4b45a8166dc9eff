package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin page's API: its restart button is a change, so only JSON from the page itself. */
class AdminPageTest {
  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger restarts = new AtomicInteger();
  private HttpServer server;
  private LoginToken token;
  private String base;
  private final List<String> sends = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    token = LoginToken.loadOrCreate(home);
    server = new HttpServer("127.0.0.1", 0);
    AdminPage.install(
        server,
        token,
        () -> JsonExchange.json().createObjectNode().put("state", "running"),
        () -> restarts.incrementAndGet() > 0,
        (target, text, key) -> {
          sends.add(target + "|" + text + "|" + key);
          return new AdminSend.Answer(
              200, JsonExchange.json().createObjectNode().put("target", target));
        });
    base = "http://127.0.0.1:" + server.start().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> post(String path, String type, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRestartButtonTakesOnlyJsonFromThePageItself() throws Exception {
    HttpResponse<String> foreignLogin = post(
        "/api/admin/login",
        "application/json",
        "{\"token\":\"" + token.reveal() + "\"}",
        "Origin",
        "http://evil.example");
    assertThat(foreignLogin.statusCode()).isEqualTo(403);
    assertThat(foreignLogin.headers().firstValue("Set-Cookie")).isEmpty();

    HttpResponse<String> login = post(
        "/api/admin/login",
        "application/json",
        "{\"token\":\"" + token.reveal() + "\"}",
        "Origin",
        base);
    assertThat(login.statusCode()).isEqualTo(204);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    assertThat(
            post("/api/admin/restart", "application/json", "{}", "Origin", base).statusCode())
        .isEqualTo(401);
    assertThat(post("/api/admin/restart", "text/plain", "{}", "Cookie", cookie, "Origin", base)
            .statusCode())
        .isEqualTo(415);
    assertThat(post(
                "/api/admin/restart",
                "application/json",
                "{}",
                "Cookie",
                cookie,
                "Origin",
                "http://evil.example")
            .statusCode())
        .isEqualTo(403);
    assertThat(restarts).hasValue(0);
    assertThat(
            post("/api/admin/restart", "application/json", "{}", "Cookie", cookie, "Origin", base)
                .statusCode())
        .isEqualTo(202);
    assertThat(restarts).hasValue(1);
  }

  @Test
  void aSendNeedsTheLoginAndStringsForTargetAndText() throws Exception {
    String body = "{\"target\":\"telegram:42\",\"text\":\"hi\",\"idempotency_key\":\"k1\"}";
    assertThat(post("/api/admin/send", "application/json", body).statusCode()).isEqualTo(401);
    HttpResponse<String> login =
        post("/api/admin/login", "application/json", "{\"token\":\"" + token.reveal() + "\"}");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> sent = post("/api/admin/send", "application/json", body, "Cookie", cookie);
    HttpResponse<String> noText = post(
        "/api/admin/send", "application/json", "{\"target\":\"telegram:42\"}", "Cookie", cookie);

    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body()).contains("\"target\":\"telegram:42\"");
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(noText.body()).contains("target").contains("text");
    assertThat(sends).containsExactly("telegram:42|hi|k1");
  }
}
