package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.testing.MemoryPlatformRecords;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web chat of gateways that share a store: a conversation kept by one gateway is shown and
 * continued by the one that takes over after it was killed, from another state directory —
 * its messages, their order and pages, its files, and a retried send still recognised.
 */
class WebChatSharedHistoryTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "a-token-both-gateways-share-0123";

  @TempDir
  Path homeA;

  @TempDir
  Path homeB;

  private final PlatformRecords records = new MemoryPlatformRecords().of("web");
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Gateway> running = new ArrayList<>();

  /** One gateway's web chat over real HTTP, on the shared records. */
  private final class Gateway {
    final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
    final WebChatAdapter adapter;
    final HttpServer server;
    final String base;
    final String cookie;

    Gateway(Path home, @Nullable PlatformRecords shared) throws Exception {
      Path web = home.resolve("web");
      adapter = new WebChatAdapter(
          new ChatLogs(web, Clock.systemUTC()),
          new ChatFiles(web.resolve("files")),
          WebChatAdapter.DEFAULT_MAX_FILE_BYTES,
          Clock.systemUTC());
      server = new HttpServer("127.0.0.1", 0);
      server.loginToken(LoginToken.configured(TOKEN, home, "http.login_token"));
      adapter.mount(server);
      base = "http://127.0.0.1:" + server.start().getPort();
      StubPlatformContext context = new StubPlatformContext();
      context.shared = shared;
      adapter.connect(inbound::put, context);
      running.add(this);
      HttpResponse<String> r =
          send("POST", "/api/web/login", "{\"token\":\"" + TOKEN + "\"}", null);
      assertThat(r.statusCode()).isEqualTo(204);
      String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      cookie = setCookie.substring(0, setCookie.indexOf(';'));
    }

    HttpResponse<String> send(String method, String path, String body, @Nullable String cookie)
        throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json")
          .header("Origin", base);
      if (cookie != null) {
        b.header("Cookie", cookie);
      }
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String newChat() throws Exception {
      return JSON.readTree(send("POST", "/api/web/chats", "{}", cookie).body())
          .path("id")
          .asString();
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(10))
              .header("Cookie", cookie)
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    }

    HttpResponse<byte[]> file(String chat, String sha256) throws Exception {
      return client.send(
          HttpRequest.newBuilder(
                  URI.create(base + "/api/web/chats/" + chat + "/files/" + sha256 + "?name=p.png"))
              .timeout(Duration.ofSeconds(10))
              .header("Cookie", cookie)
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> upload(String chat, MultipartBody body) throws Exception {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + "/api/web/chats/" + chat + "/messages"))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
              .header("Content-Type", body.contentType())
              .header("Cookie", cookie)
              .header("X-Switchboard-Upload", "1")
              .header("Origin", base)
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** As {@code kill -9} leaves it: nothing flushed, the server gone. */
    void kill() throws Exception {
      server.close();
      running.remove(this);
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Gateway g : List.copyOf(running)) {
      g.adapter.disconnect();
      g.server.close();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static List<String> texts(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("messages").forEach(m -> out.add(m.path("text").asString()));
    return out;
  }

  @Test
  void theGatewayThatTakesOverShowsAndContinuesTheConversation() throws Exception {
    Gateway a = new Gateway(homeA, records);
    String chat = a.newChat();
    a.adapter.post(chat, "k1", "plan the trip");
    assertThat(a.inbound.poll(5, TimeUnit.SECONDS)).isNotNull();
    MessageRef reply = a.adapter.send(ChatRef.of("web", chat), "draft");
    a.adapter.replyStarted(ChatRef.of("web", chat), "u-k1");
    a.adapter.edit(reply, "day one: the coast");
    a.adapter.replyFinished(ChatRef.of("web", chat), "u-k1", "day one: the coast");
    HttpResponse<String> posted = a.upload(
        chat,
        new MultipartBody()
            .field("id", "k2")
            .field("text", "this map")
            .file("file", "map.png", "image/png", WebChatFilesTest.PNG));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    InboundMessage withFile = a.inbound.poll(5, TimeUnit.SECONDS);
    assertThat(withFile).isNotNull();
    MessageRef streaming = a.adapter.send(ChatRef.of("web", chat), "a reply cut off");
    a.adapter.replyStarted(ChatRef.of("web", chat), "u-k2");
    a.adapter.edit(streaming, "a reply cut off by the kill, longer"); // in memory only
    a.kill();

    Gateway b = new Gateway(homeB, records);
    JsonNode list = b.get("/api/web/chats");
    assertThat(list.path("chats").get(0).path("id").asString()).isEqualTo(chat);
    assertThat(list.path("chats").get(0).path("title").asString()).isEqualTo("plan the trip");
    JsonNode page = b.get("/api/web/chats/" + chat + "/messages");
    assertThat(texts(page))
        .containsExactly("plan the trip", "day one: the coast", "this map", "a reply cut off");
    assertThat(page.path("before").isNull()).isTrue();
    // The new gateway marks the cut-off reply, as a start after a crash does: an edit outside
    // a stream, written at once.
    b.adapter.edit(streaming, "a reply cut off [cut off by a restart]");
    assertThat(texts(b.get("/api/web/chats/" + chat + "/messages")))
        .contains("a reply cut off [cut off by a restart]");

    // The file came with the conversation, and the agent can read it on the new gateway too.
    String ref = sha256(WebChatFilesTest.PNG);
    HttpResponse<byte[]> map = b.file(chat, ref);
    assertThat(map.statusCode()).isEqualTo(200);
    assertThat(map.body()).isEqualTo(WebChatFilesTest.PNG);
    try (InputStream in = b.adapter.download(withFile.attachments().getFirst())) {
      assertThat(in.readAllBytes()).isEqualTo(WebChatFilesTest.PNG);
    }

    // The page goes on: a retried send is the same message, a new one is taken.
    assertThat(b.adapter.post(chat, "k2", "this map"))
        .isEqualTo(WebChatAdapter.Posted.ALREADY_TAKEN);
    assertThat(b.inbound.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(b.adapter.post(chat, "k3", "and day two?")).isEqualTo(WebChatAdapter.Posted.TAKEN);
    assertThat(b.inbound.poll(5, TimeUnit.SECONDS).text()).isEqualTo("and day two?");
    assertThat(texts(b.get("/api/web/chats/" + chat + "/messages")))
        .endsWith("a reply cut off [cut off by a restart]", "and day two?");

    // Nothing of it in the new gateway's state directory but the file it was asked for.
    try (var kept = Files.list(homeB.resolve("web"))) {
      assertThat(kept.map(p -> p.getFileName().toString())).containsExactly("files");
    }
  }

  @Test
  void olderMessagesComeAPageAtATimeBackToTheStart() throws Exception {
    Gateway a = new Gateway(homeA, records);
    String chat = a.newChat();
    for (int i = 1; i <= 6; i++) {
      a.adapter.send(ChatRef.of("web", chat), "message " + i);
    }
    List<String> seen = new ArrayList<>();
    String path = "/api/web/chats/" + chat + "/messages?limit=3";
    JsonNode page = a.get(path);
    seen.addAll(0, texts(page));
    int pages = 1;
    while (!page.path("before").isNull()) {
      page = a.get(path + "&before=" + page.path("before").asLong());
      seen.addAll(0, texts(page));
      pages++;
    }
    assertThat(seen)
        .containsExactly(
            "message 1", "message 2", "message 3", "message 4", "message 5", "message 6");
    assertThat(pages)
        .as("the page that reaches the start says so: no empty one after it")
        .isEqualTo(2);
    assertThat(a.send("GET", "/api/web/chats/" + chat + "/messages?before=-1", "", a.cookie)
            .statusCode())
        .isEqualTo(400);
  }

  @Test
  void aGatewayWithAStoreOfItsOwnKeepsTheConversationInItsStateDirectory() throws Exception {
    Gateway alone = new Gateway(homeA, null);
    String chat = alone.newChat();
    alone.adapter.send(ChatRef.of("web", chat), "kept here");
    assertThat(homeA.resolve("web").resolve(chat + ".jsonl")).exists();
  }
}
