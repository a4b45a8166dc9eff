package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.ConnectionLimits;
import dev.switchboard.http.HttpListener;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.testing.StubPlatformContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * What keeps another site's page from acting with the web chat's login: every POST must be JSON
 * from the page's own origin, logging out revokes the cookie on the server, and the cookie is
 * Secure when a trusted proxy says the page came over HTTPS.
 */
class WebChatPostChecksTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
  private final StubPlatformContext context = new StubPlatformContext();
  private HttpServer server;
  private WebChatAdapter adapter;
  private LoginToken token;
  private String base;

  private void start(TrustedProxies proxies) throws Exception {
    token = LoginToken.loadOrCreate(home);
    adapter =
        new WebChatAdapter(new ChatLogs(home.resolve("web"), Clock.systemUTC()), Clock.systemUTC());
    server = new HttpServer(new HttpListener(
        "http", "127.0.0.1", 0, "set http.port", proxies, ConnectionLimits.DEFAULT));
    server.loginToken(token);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(inbound::put, context);
  }

  @AfterEach
  void stop() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
      adapter = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** A request with the given headers (name, value, name, value, ...); json null: no body. */
  private HttpResponse<String> call(String method, String path, String json, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(
            method,
            json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> logIn(String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return call("POST", "/api/web/login", "{\"token\":\"" + token.reveal() + "\"}", all);
  }

  private static String cookieOf(HttpResponse<String> login) {
    assertThat(login.statusCode()).isEqualTo(204);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void everyPostMustBeJsonFromThePageItself() throws Exception {
    start(TrustedProxies.none());
    String cookie = cookieOf(logIn());

    HttpResponse<String> form = call(
        "POST",
        "/api/web/chats",
        "a=b",
        "Cookie",
        cookie,
        "Content-Type",
        "application/x-www-form-urlencoded");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(form.body()).contains("application/json");
    // its small body is read before the refusal, so the connection stays open for the next
    assertThat(form.headers().firstValue("Connection")).isEmpty();
    assertThat(call("POST", "/api/web/chats", null, "Cookie", cookie).statusCode())
        .isEqualTo(415);

    for (String foreign :
        List.of("http://evil.example", "http://127.0.0.1:1", "null", "file:///tmp/page.html")) {
      HttpResponse<String> r = call(
          "POST",
          "/api/web/chats",
          "{}",
          "Cookie",
          cookie,
          "Content-Type",
          "application/json",
          "Origin",
          foreign);
      assertThat(r.statusCode()).as(foreign).isEqualTo(403);
      assertThat(r.body()).as(foreign).contains("another site");
    }
    assertThat(call(
                "POST",
                "/api/web/chats",
                "{}",
                "Cookie",
                cookie,
                "Content-Type",
                "application/json",
                "Origin",
                base)
            .statusCode())
        .isEqualTo(201);
    // A program sends no Origin: the cookie is its login.
    String chat = JSON.readTree(call(
                "POST",
                "/api/web/chats",
                "{}",
                "Cookie",
                cookie,
                "Content-Type",
                "application/json")
            .body())
        .path("id")
        .asString();
    assertThat(chat).isNotBlank();

    HttpResponse<String> foreignMessage = call(
        "POST",
        "/api/web/chats/" + chat + "/messages",
        "{\"id\":\"m1\",\"text\":\"hello\"}",
        "Cookie",
        cookie,
        "Content-Type",
        "application/json",
        "Origin",
        "http://evil.example");
    assertThat(foreignMessage.statusCode()).isEqualTo(403);
    assertThat(inbound.poll(200, TimeUnit.MILLISECONDS)).isNull();

    // Logging in from another site's page is refused too, and sets no cookie.
    HttpResponse<String> foreignLogin = logIn("Origin", "http://evil.example");
    assertThat(foreignLogin.statusCode()).isEqualTo(403);
    assertThat(foreignLogin.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(cookieOf(logIn("Origin", base))).startsWith(LoginToken.COOKIE + "=");
  }

  @Test
  void loggingOutRevokesTheCookieForGoodButNoOtherOne() throws Exception {
    start(TrustedProxies.none());
    String cookie = cookieOf(logIn());
    String otherBrowser =
        LoginToken.COOKIE + "=" + token.cookieValue(Instant.now().minusSeconds(60));
    assertThat(call("GET", "/api/web/chats", null, "Cookie", cookie).statusCode())
        .isEqualTo(200);

    HttpResponse<String> logout = call(
        "POST",
        "/api/web/logout",
        "{}",
        "Cookie",
        cookie,
        "Content-Type",
        "application/json",
        "Origin",
        base);
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");

    // A copy of the cookie, kept by a client that ignores the Set-Cookie above, is refused.
    assertThat(call("GET", "/api/web/chats", null, "Cookie", cookie).statusCode())
        .isEqualTo(401);
    assertThat(call("GET", "/api/web/chats", null, "Cookie", otherBrowser).statusCode())
        .isEqualTo(200);
    String record = Files.readString(home.resolve("web_logouts"));
    assertThat(record).doesNotContain(cookie.substring(cookie.indexOf('=') + 1));

    stop();
    start(TrustedProxies.none()); // a restarted gateway remembers
    assertThat(call("GET", "/api/web/chats", null, "Cookie", cookie).statusCode())
        .isEqualTo(401);
    assertThat(call("GET", "/api/web/chats", null, "Cookie", otherBrowser).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theCookieIsSecureOnlyWhenATrustedProxySaysThePageCameOverHttps() throws Exception {
    start(TrustedProxies.none());
    assertThat(logIn().headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
    // Anyone can send the header: from an address not trusted it changes nothing.
    assertThat(logIn("X-Forwarded-Proto", "https")
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow())
        .doesNotContain("Secure");
    stop();

    start(TrustedProxies.parse(List.of("127.0.0.0/8")));
    HttpResponse<String> login = logIn(
        "X-Forwarded-Proto",
        "https",
        "X-Forwarded-Host",
        "chat.example.org",
        "Origin",
        "https://chat.example.org");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("; Secure;");
    String cookie = cookieOf(login);
    // The page's Origin is compared with the host the browser used, as the proxy said.
    String[] asProxied = {
      "Cookie",
      cookie,
      "Content-Type",
      "application/json",
      "X-Forwarded-Proto",
      "https",
      "X-Forwarded-Host",
      "chat.example.org",
      "Origin",
      "https://chat.example.org"
    };
    assertThat(call("POST", "/api/web/chats", "{}", asProxied).statusCode()).isEqualTo(201);
    asProxied[asProxied.length - 1] = "http://chat.example.org"; // downgraded: not our page
    assertThat(call("POST", "/api/web/chats", "{}", asProxied).statusCode()).isEqualTo(403);
    HttpResponse<String> logout = call(
        "POST",
        "/api/web/logout",
        "{}",
        "Cookie",
        cookie,
        "Content-Type",
        "application/json",
        "X-Forwarded-Proto",
        "https");
    assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow())
        .contains("; Secure;")
        .contains("Max-Age=0");
  }
}
