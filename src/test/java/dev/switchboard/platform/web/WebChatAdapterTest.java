package dev.switchboard.platform.web;

import static dev.switchboard.testing.RawHttp.readAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The web chat's API as the page uses it, over real HTTP on loopback. */
class WebChatAdapterTest {
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

  private void start(boolean auth) throws Exception {
    token = auth ? LoginToken.loadOrCreate(home) : null;
    adapter =
        new WebChatAdapter(new ChatLogs(home.resolve("web"), Clock.systemUTC()), Clock.systemUTC());
    server = new HttpServer("127.0.0.1", 0);
    server.loginToken(token);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(inbound::put, context);
  }

  @AfterEach
  void stop() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> call(String method, String path, String json, String cookie)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(
            method,
            json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String login() throws Exception {
    HttpResponse<String> r =
        call("POST", "/api/web/login", "{\"token\":\"" + token.reveal() + "\"}", null);
    assertThat(r.statusCode()).isEqualTo(204);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Max-Age=2592000")
        .doesNotContain(token.reveal());
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private String newChat(String cookie) throws Exception {
    HttpResponse<String> r = call("POST", "/api/web/chats", "{}", cookie);
    assertThat(r.statusCode()).isEqualTo(201);
    return JSON.readTree(r.body()).path("id").asString();
  }

  @Test
  void everythingButLoggingInNeedsTheCookie() throws Exception {
    start(true);
    assertThat(call("GET", "/api/web/session", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/web/chats", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/web/chats", null, "switchboard_login=forged").statusCode())
        .isEqualTo(401);
    HttpResponse<String> wrong = call("POST", "/api/web/login", "{\"token\":\"guess\"}", null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("web_token").doesNotContain(token.reveal());
    String cookie = login();
    HttpResponse<String> session = call("GET", "/api/web/session", null, cookie);
    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(session.body()).path("user").asString()).isEqualTo("owner");
  }

  @Test
  void theCookieOutlivesARestartButNotANewToken() throws Exception {
    start(true);
    String cookie = login();
    stop();
    start(true); // the same token file: a restarted gateway
    assertThat(call("GET", "/api/web/chats", null, cookie).statusCode()).isEqualTo(200);
    stop();
    Files.delete(home.resolve(LoginToken.FILE));
    start(true);
    assertThat(call("GET", "/api/web/chats", null, cookie).statusCode()).isEqualTo(401);
  }

  @Test
  void aMessageGoesToTheGatewayAndRepliesStreamToThePage() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      SseClient.Event snapshot = events.next("snapshot", 5);
      assertThat(JSON.readTree(snapshot.data()).path("messages").size()).isZero();

      HttpResponse<String> posted = call(
          "POST",
          "/api/web/chats/" + chat + "/messages",
          "{\"id\":\"c1\",\"text\":\"hello\"}",
          cookie);
      assertThat(posted.statusCode()).isEqualTo(202);
      InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.chat()).isEqualTo(ChatRef.of("web", chat));
      assertThat(m.messageId()).isEqualTo("c1");
      assertThat(m.sender().userId()).isEqualTo("owner");
      assertThat(m.text()).isEqualTo("hello");
      JsonNode shown = JSON.readTree(events.next("message", 5).data());
      assertThat(shown.path("id").asString()).isEqualTo("u-c1");
      assertThat(shown.path("role").asString()).isEqualTo("user");

      MessageRef reply = adapter.send(m.chat(), "hel \u2026");
      adapter.edit(reply, "hello back");
      JsonNode first = JSON.readTree(events.next("message", 5).data());
      JsonNode second = JSON.readTree(events.next("message", 5).data());
      assertThat(first.path("id").asString())
          .isEqualTo(reply.messageId())
          .isEqualTo(second.path("id").asString());
      assertThat(first.path("role").asString()).isEqualTo("agent");
      assertThat(second.path("text").asString()).isEqualTo("hello back");
    }
    JsonNode list = JSON.readTree(call("GET", "/api/web/chats", null, cookie).body());
    assertThat(list.path("chats").get(0).path("title").asString()).isEqualTo("hello");
  }

  @Test
  void aReplyReachesThePageAsSanitizedHtmlAndTheUsersTextAsText() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    ChatRef ref = ChatRef.of("web", chat);
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      events.next("snapshot", 5);
      adapter.post(chat, "c1", "**bold** <b>");
      JsonNode user = JSON.readTree(events.next("message", 5).data());
      assertThat(user.path("text").asString()).isEqualTo("**bold** <b>");
      assertThat(user.path("format").asString()).isEqualTo("text");

      // As the gateway delivers: each text rendered by the adapter, then sent or edited.
      List<String> growing =
          adapter.render("**Sure** <img src=x onerror=alert(1)>\n```sh\nls \u2026");
      MessageRef reply = adapter.send(ref, growing.getFirst());
      adapter.edit(
          reply,
          adapter
              .render("**Sure** <img src=x onerror=alert(1)>\n```sh\nls\n```")
              .getFirst());

      JsonNode first = JSON.readTree(events.next("message", 5).data());
      assertThat(first.path("format").asString()).isEqualTo("html");
      assertThat(first.path("text").asString())
          .isEqualTo("<strong>Sure</strong> &lt;img src=x onerror=alert(1)&gt;<br>"
              + "<pre><code class=\"language-sh\">ls</code></pre> \u2026");
      JsonNode last = JSON.readTree(events.next("message", 5).data());
      assertThat(last.path("format").asString()).isEqualTo("html");
      assertThat(last.path("text").asString())
          .isEqualTo("<strong>Sure</strong> &lt;img src=x onerror=alert(1)&gt;<br>"
              + "<pre><code class=\"language-sh\">ls</code></pre>");
    }
    assertThat(Files.readAllLines(home.resolve("web").resolve(chat + ".jsonl")))
        .last()
        .asString()
        .contains("\"role\":\"agent\"", "\"format\":\"html\"");
  }

  @Test
  void aConversationWrittenBeforeRepliesWereRenderedReachesThePageAsText() throws Exception {
    Path web = Files.createDirectories(home.resolve("web"));
    Files.writeString(
        web.resolve("old.jsonl"),
        "{\"type\":\"created\",\"at\":\"2026-01-01T00:00:00Z\"}\n"
            + "{\"type\":\"message\",\"id\":\"a-1\",\"role\":\"agent\","
            + "\"text\":\"**raw** <img src=x onerror=alert(1)>\","
            + "\"at\":\"2026-01-01T00:00:01Z\"}\n");
    start(true);
    String cookie = login();
    JsonNode page =
        JSON.readTree(call("GET", "/api/web/chats/old/messages", null, cookie).body());
    JsonNode message = page.path("messages").get(0);
    assertThat(message.path("text").asString()).isEqualTo("**raw** <img src=x onerror=alert(1)>");
    assertThat(message.path("format").asString()).isEqualTo("text");
  }

  @Test
  void aRetriedSendIsTakenOnce() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    String body = "{\"id\":\"same-1\",\"text\":\"once\"}";
    assertThat(
            call("POST", "/api/web/chats/" + chat + "/messages", body, cookie).statusCode())
        .isEqualTo(202);
    assertThat(
            call("POST", "/api/web/chats/" + chat + "/messages", body, cookie).statusCode())
        .isEqualTo(202);
    assertThat(inbound.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(inbound.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void badMessagesAreRefusedAndChangeNothing() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    String path = "/api/web/chats/" + chat + "/messages";
    HttpResponse<String> tooLong = call(
        "POST",
        path,
        "{\"id\":\"c2\",\"text\":\"" + "x".repeat(WebChatAdapter.MAX_TEXT_CHARS + 1) + "\"}",
        cookie);
    assertThat(tooLong.statusCode()).isEqualTo(413);
    assertThat(tooLong.body()).contains("16000");
    assertThat(call("POST", path, "{\"id\":\"c3\",\"text\":\"  \"}", cookie).statusCode())
        .isEqualTo(400);
    assertThat(call("POST", path, "{\"id\":\"../etc\",\"text\":\"x\"}", cookie).body())
        .contains("must be 1 to 64 letters");
    assertThat(call("POST", path, "{oops", cookie).statusCode()).isEqualTo(400);
    HttpRequest plain = HttpRequest.newBuilder(URI.create(base + path))
        .header("Cookie", cookie)
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"c5\",\"text\":\"x\"}"))
        .build();
    assertThat(client.send(plain, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(415);
    assertThat(
            call("POST", "/api/web/chats/nochat/messages", "{\"id\":\"c4\",\"text\":\"x\"}", cookie)
                .statusCode())
        .isEqualTo(404);
    assertThat(inbound).isEmpty();
    assertThat(adapter.post(chat, "c9", "x")).isEqualTo(WebChatAdapter.Posted.TAKEN);
    assertThat(JSON.readTree(call("GET", "/api/web/chats", null, cookie).body()).path("chats"))
        .hasSize(1);
  }

  @Test
  void aNewChatsBodyIsReadSoItsConnectionServesTheNextRequest() throws Exception {
    // Answered before its body arrived, Jetty would close the connection after the answer, and
    // a client that reused it got nothing ("header parser received no bytes").
    start(true);
    String cookie = login();
    URI at = URI.create(base);
    String host = "Host: " + at.getHost() + ":" + at.getPort() + "\r\nCookie: " + cookie + "\r\n";
    try (Socket s = new Socket(at.getHost(), at.getPort())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("POST /api/web/chats HTTP/1.1\r\n" + host
              + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.setSoTimeout(300);
      assertThatThrownBy(in::read)
          .as("no answer before the body")
          .isInstanceOf(SocketTimeoutException.class);
      s.setSoTimeout(10_000);
      out.write("{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String created = readAnswer(in);
      assertThat(created)
          .startsWith("HTTP/1.1 201")
          .doesNotContainIgnoringCase("connection: close");
      out.write(
          ("GET /api/web/chats HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void whileDrainingNewMessagesAreRefusedWithAClearReason() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    context.draining = true;
    HttpResponse<String> r = call(
        "POST",
        "/api/web/chats/" + chat + "/messages",
        "{\"id\":\"c5\",\"text\":\"late\"}",
        cookie);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("restarting or stopping");
    assertThat(inbound).isEmpty();
  }

  @Test
  void conversationsSurviveARestartAndDisconnectEndsTheStreams() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    adapter.post(chat, "k1", "remember me");
    MessageRef reply = adapter.send(ChatRef.of("web", chat), "draft");
    for (int i = 0; i < 20; i++) {
      adapter.edit(reply, "streamed " + i);
    }
    SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie);
    events.next("snapshot", 5);
    adapter.disconnect();
    assertThat(events.next("(end)", 5)).isEqualTo(SseClient.END);
    events.close();
    stop();
    start(true);
    try (SseClient again =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      JsonNode messages = JSON.readTree(again.next("snapshot", 5).data()).path("messages");
      assertThat(messages).hasSize(2);
      assertThat(messages.get(0).path("text").asString()).isEqualTo("remember me");
      assertThat(messages.get(1).path("text").asString()).isEqualTo("streamed 19");
    }
    // compacted at load: one line per message plus the header
    assertThat(Files.readAllLines(home.resolve("web").resolve(chat + ".jsonl"))).hasSize(3);
  }

  @Test
  void theStreamStartsWithTheNewestPageAndOlderPagesComeOnRequest() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    for (int i = 1; i <= 120; i++) {
      adapter.post(chat, "c" + i, "message " + i);
    }
    stop();
    start(true); // read back from disk, not from what the first process held
    JsonNode snapshot;
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      snapshot = JSON.readTree(events.next("snapshot", 5).data());
    }
    assertThat(texts(snapshot)).hasSize(ChatLogs.PAGE_MESSAGES).last().isEqualTo("message 120");
    assertThat(texts(snapshot).getFirst()).isEqualTo("message 71");
    String path = "/api/web/chats/" + chat + "/messages";
    JsonNode newest = JSON.readTree(call("GET", path, null, cookie).body());
    assertThat(newest).isEqualTo(snapshot);

    HttpResponse<String> olderAnswer =
        call("GET", path + "?before=" + snapshot.path("before").asString(), null, cookie);
    assertThat(olderAnswer.statusCode()).isEqualTo(200);
    assertThat(olderAnswer.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    JsonNode older = JSON.readTree(olderAnswer.body());
    assertThat(texts(older)).hasSize(50).first().isEqualTo("message 21");
    JsonNode oldest = JSON.readTree(
        call("GET", path + "?limit=200&before=" + older.path("before").asString(), null, cookie)
            .body());
    assertThat(texts(oldest)).hasSize(20).first().isEqualTo("message 1");
    assertThat(oldest.path("before").isNull()).isTrue();
    JsonNode two = JSON.readTree(call("GET", path + "?limit=2", null, cookie).body());
    assertThat(texts(two)).containsExactly("message 119", "message 120");
  }

  @Test
  void aBadCursorOrLimitIsRefusedNamingIt() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    String path = "/api/web/chats/" + chat + "/messages";
    HttpResponse<String> word = call("GET", path + "?before=abc", null, cookie);
    assertThat(word.statusCode()).isEqualTo(400);
    assertThat(word.body()).contains("\\\"before\\\"").contains("abc");
    HttpResponse<String> beyond = call("GET", path + "?before=99999999", null, cookie);
    assertThat(beyond.statusCode()).isEqualTo(400);
    assertThat(beyond.body()).contains("before");
    for (String limit : List.of("0", "201", "-1", "ten")) {
      HttpResponse<String> bad = call("GET", path + "?limit=" + limit, null, cookie);
      assertThat(bad.statusCode()).as(limit).isEqualTo(400);
      assertThat(bad.body()).contains("\\\"limit\\\"").contains("1 to 200");
    }
    assertThat(call("GET", "/api/web/chats/nochat/messages", null, cookie).statusCode())
        .isEqualTo(404);
    assertThat(call("GET", path, null, null).statusCode()).isEqualTo(401);
  }

  private static List<String> texts(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("messages").forEach(m -> out.add(m.path("text").asString()));
    return out;
  }

  @Test
  void aConversationIsKeptOwnerOnly() throws Exception {
    start(true);
    String chat = newChat(login());
    adapter.post(chat, "k1", "private");
    assertThat(PosixFilePermissions.toString(
            Files.getPosixFilePermissions(home.resolve("web").resolve(chat + ".jsonl"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("web"))))
        .isEqualTo("rwx------");
  }

  @Test
  void withAuthOffNoLoginIsNeeded() throws Exception {
    start(false);
    assertThat(call("GET", "/api/web/chats", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void thePageIsServedWithAStrictPolicyAndUnknownPathsAre404() throws Exception {
    start(true);
    HttpResponse<String> page = call("GET", "/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'");
    assertThat(call("GET", "/app.js", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/nothing-here", null, null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/", "{}", null).statusCode()).isEqualTo(405);
  }

  @Test
  void aStreamedReplyIsWrittenToDiskOnceWhenComplete() throws Exception {
    start(true);
    String cookie = login();
    String chat = newChat(cookie);
    Path file = home.resolve("web").resolve(chat + ".jsonl");
    ChatRef ref = ChatRef.of("web", chat);
    adapter.replyStarted(ref, "m1");
    MessageRef reply = adapter.send(ref, "a \u2026");
    int afterFirstSend = Files.readAllLines(file).size();
    for (int i = 0; i < 50; i++) {
      adapter.edit(reply, "a b c ".repeat(i) + "\u2026");
    }
    assertThat(Files.readAllLines(file)).hasSize(afterFirstSend);
    adapter.edit(reply, "the whole answer");
    adapter.replyFinished(ref, "m1", "the whole answer");
    assertThat(Files.readAllLines(file))
        .hasSize(afterFirstSend + 1)
        .last()
        .asString()
        .contains("the whole answer");
  }

  @Test
  void withAuthOffOnlyLoopbackNamesAreServed() throws Exception {
    start(false);
    // A page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) still sends its name.
    try (java.net.Socket socket =
        new java.net.Socket("127.0.0.1", URI.create(base).getPort())) {
      socket
          .getOutputStream()
          .write(("GET /api/web/chats HTTP/1.1\r\nHost: evil.example:"
                  + URI.create(base).getPort() + "\r\nConnection: close\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("localhost");
    }
    assertThat(call("GET", "/api/web/chats", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void beforeTheConversationsAreLoadedTheApiSaysWaitNotGone() throws Exception {
    token = LoginToken.loadOrCreate(home);
    adapter =
        new WebChatAdapter(new ChatLogs(home.resolve("web"), Clock.systemUTC()), Clock.systemUTC());
    server = new HttpServer("127.0.0.1", 0);
    server.loginToken(token);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    String cookie = login();
    assertThat(call("GET", "/api/web/chats", null, cookie).statusCode()).isEqualTo(503);
    assertThat(call("GET", "/api/web/chats/abc/events", null, cookie).statusCode())
        .isEqualTo(503);
    assertThat(call("GET", "/api/web/session", null, cookie).statusCode()).isEqualTo(200);
  }
}
