package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Files in the web chat over real HTTP: a message with files posted as multipart/form-data
 * (checks, limits), its files on the inbound message and given back by {@code download}, files
 * the agent sends recorded in the conversation, and the endpoint that serves them (login, only
 * the conversation's own, headers that keep an upload from running as a page).
 */
class WebChatFilesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** A 1x1 PNG. */
  static final byte[] PNG = Base64.getDecoder()
      .decode(
          "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  private static final byte[] HTML =
      "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
  private final StubPlatformContext context = new StubPlatformContext();
  private HttpServer server;
  private WebChatAdapter adapter;
  private LoginToken token;
  private String base;
  private String cookie;

  private void start(long maxFileBytes) throws Exception {
    token = LoginToken.loadOrCreate(home);
    Path web = home.resolve("web");
    adapter = new WebChatAdapter(
        new ChatLogs(web, Clock.systemUTC()),
        new ChatFiles(web.resolve("files")),
        maxFileBytes,
        Clock.systemUTC());
    server = new HttpServer("127.0.0.1", 0);
    server.loginToken(token);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(inbound::put, context);
    cookie = login();
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

  private HttpResponse<String> json(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String login() throws Exception {
    HttpResponse<String> r =
        json("POST", "/api/web/login", "{\"token\":\"" + token.reveal() + "\"}");
    assertThat(r.statusCode()).isEqualTo(204);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private String newChat() throws Exception {
    HttpResponse<String> r = json("POST", "/api/web/chats", "{}");
    assertThat(r.statusCode()).isEqualTo(201);
    return JSON.readTree(r.body()).path("id").asString();
  }

  /** Posts {@code body} as the page does: the cookie, its origin and the upload header. */
  private HttpResponse<String> upload(String chat, MultipartBody body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create(base + "/api/web/chats/" + chat + "/messages"))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
        .header("Content-Type", body.contentType());
    List<String> given = List.of(headers);
    if (!given.contains("Cookie") && cookie != null) {
      b.header("Cookie", cookie);
    }
    if (!given.contains("X-Switchboard-Upload")) {
      b.header("X-Switchboard-Upload", "1");
    }
    if (!given.contains("Origin")) {
      b.header("Origin", base);
    }
    for (int i = 0; i < headers.length; i += 2) {
      if (!headers[i + 1].isEmpty()) {
        b.header(headers[i], headers[i + 1]);
      }
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> fetch(String path, String withCookie, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (withCookie != null) {
      b.header("Cookie", withCookie);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static String error(HttpResponse<String> r) {
    return JSON.readTree(r.body()).path("error").asString();
  }

  @Test
  void aMessageWithFilesReachesTheGatewayWithItsAttachmentsAndShowsThem() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    byte[] notes = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      events.next("snapshot", 5);
      HttpResponse<String> posted = upload(
          chat,
          new MultipartBody()
              .field("id", "c1")
              .field("text", "what are these?")
              .file("file", "photo.png", "image/png", PNG)
              .file("file", "notes.txt", "text/plain", notes));
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      assertThat(JSON.readTree(posted.body()).path("id").asString()).isEqualTo("u-c1");

      InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.text()).isEqualTo("what are these?");
      assertThat(m.attachments())
          .extracting(
              Attachment::kind, Attachment::mimeType, Attachment::fileName, Attachment::size)
          .containsExactly(
              tuple(AttachmentKind.IMAGE, "image/png", "photo.png", (long) PNG.length),
              tuple(AttachmentKind.DOCUMENT, "text/plain", "notes.txt", (long) notes.length));
      assertThat(m.attachments().getFirst().ref()).isEqualTo(chat + "/" + sha256(PNG));
      try (InputStream in = adapter.download(m.attachments().getFirst())) {
        assertThat(in.readAllBytes()).isEqualTo(PNG);
      }
      try (InputStream in = adapter.download(m.attachments().get(1))) {
        assertThat(in.readAllBytes()).isEqualTo(notes);
      }
      assertThat(adapter.fileLimits().maxDownloadBytes())
          .isEqualTo(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);

      JsonNode shown = JSON.readTree(events.next("message", 5).data());
      assertThat(shown.path("id").asString()).isEqualTo("u-c1");
      assertThat(shown.path("text").asString()).isEqualTo("what are these?");
      assertThat(shown.path("files").size()).isEqualTo(2);
      assertThat(shown.path("files").get(0).path("ref").asString()).isEqualTo(sha256(PNG));
      assertThat(shown.path("files").get(0).path("type").asString()).isEqualTo("image/png");
      assertThat(shown.path("files").get(1).path("name").asString()).isEqualTo("notes.txt");
    }
    // Kept like the conversations: the owner's only.
    Path kept = home.resolve("web/files").resolve(chat).resolve(sha256(PNG));
    assertThat(Files.getPosixFilePermissions(kept))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(kept.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    // The page asks again after a restart: the conversation still shows its files.
    stop();
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    JsonNode page =
        JSON.readTree(fetch("/api/web/chats/" + chat + "/messages", cookie).body());
    JsonNode files = page.path("messages").get(0).path("files");
    assertThat(files.size()).isEqualTo(2);
    assertThat(files.get(0).path("name").asString()).isEqualTo("photo.png");
    HttpResponse<byte[]> picture =
        fetch("/api/web/chats/" + chat + "/files/" + sha256(PNG) + "?name=photo.png", cookie);
    assertThat(picture.statusCode()).isEqualTo(200);
    assertThat(picture.body()).isEqualTo(PNG);
  }

  @Test
  void aCaptionIsOptionalButAFormNeedsAnIdAndSomethingToSend() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    HttpResponse<String> picture = upload(
        chat, new MultipartBody().field("id", "c1").file("file", "image.png", "image/png", PNG));
    assertThat(picture.statusCode()).isEqualTo(202);
    assertThat(inbound.poll(5, TimeUnit.SECONDS).text()).isEmpty();
    // A retry of the same upload is the same message.
    assertThat(upload(
                chat,
                new MultipartBody().field("id", "c1").file("file", "image.png", "image/png", PNG))
            .statusCode())
        .isEqualTo(202);
    assertThat(inbound).isEmpty();

    HttpResponse<String> nothing = upload(chat, new MultipartBody().field("id", "c2"));
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertThat(error(nothing)).contains("\"text\"").contains("\"file\"");
    HttpResponse<String> noId = upload(chat, new MultipartBody().field("text", "hi"));
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(error(noId)).contains("\"id\"");
    HttpResponse<String> empty = upload(
        chat, new MultipartBody().field("id", "c3").file("file", "zero.bin", "x/y", new byte[0]));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(error(empty)).contains("zero.bin is empty");
    HttpResponse<String> stranger = upload(
        chat, new MultipartBody().field("id", "c4").file("attachment", "a.png", "image/png", PNG));
    assertThat(stranger.statusCode()).isEqualTo(400);
    assertThat(error(stranger)).contains("unknown field \"attachment\"");
    HttpResponse<String> broken = client.send(
        HttpRequest.newBuilder(URI.create(base + "/api/web/chats/" + chat + "/messages"))
            .POST(HttpRequest.BodyPublishers.ofString("not a form at all"))
            .header("Content-Type", "multipart/form-data; boundary=xyz")
            .header("Cookie", cookie)
            .header("X-Switchboard-Upload", "1")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(error(broken)).contains("multipart/form-data");
    HttpResponse<String> unknown = upload(
        "nope", new MultipartBody().field("id", "c5").file("file", "a.png", "image/png", PNG));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(inbound).isEmpty();
  }

  @Test
  void filesOverTheLimitAreRefusedWithWordsThePageShows() throws Exception {
    start(1024);
    String chat = newChat();
    JsonNode session = JSON.readTree(fetch("/api/web/session", cookie).body());
    assertThat(session.path("max_file_bytes").asLong()).isEqualTo(1024);
    assertThat(session.path("max_files").asInt()).isEqualTo(WebChatAdapter.MAX_FILES);

    HttpResponse<String> big = upload(
        chat,
        new MultipartBody()
            .field("id", "c1")
            .field("text", "look")
            .file("file", "big.bin", "application/octet-stream", new byte[1025]));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(error(big)).contains("larger than the 1 KB").contains("media.max_file_mb");

    MultipartBody many = new MultipartBody().field("id", "c2");
    for (int i = 0; i <= WebChatAdapter.MAX_FILES; i++) {
      many.file(
          "file", "f" + i + ".txt", "text/plain", ("file " + i).getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> tooMany = upload(chat, many);
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(error(tooMany)).contains("at most " + WebChatAdapter.MAX_FILES + " files");

    // A body declared larger than any message can be is refused before it is read.
    HttpResponse<String> huge = client.send(
        HttpRequest.newBuilder(URI.create(base + "/api/web/chats/" + chat + "/messages"))
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofByteArray(
                new byte[(int) (WebChatAdapter.MAX_FILES * 1024L + UploadForm.TEXT_ROOM + 1)]))
            .header("Content-Type", "multipart/form-data; boundary=xyz")
            .header("Cookie", cookie)
            .header("X-Switchboard-Upload", "1")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(error(huge)).contains("too large together");
    assertThat(inbound).isEmpty();
    try (var left = Files.list(home.resolve("web/files/.incoming"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void anUploadNeedsTheLoginThePagesHeaderAndThePagesOrigin() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    MultipartBody body =
        new MultipartBody().field("id", "c1").file("file", "a.png", "image/png", PNG);
    HttpResponse<String> anonymous = upload(chat, body, "Cookie", "");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    // What a form on another site could send: no header of ours, its own origin.
    HttpResponse<String> form = upload(chat, body, "X-Switchboard-Upload", "");
    assertThat(form.statusCode()).isEqualTo(403);
    assertThat(error(form)).contains("X-Switchboard-Upload");
    HttpResponse<String> foreign = upload(chat, body, "Origin", "https://evil.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(error(foreign)).contains("another site");
    assertThat(inbound).isEmpty();
    assertThat(home.resolve("web/files").resolve(chat)).doesNotExist();
    assertThat(upload(chat, body).statusCode()).isEqualTo(202);
  }

  @Test
  void theFileEndpointServesOnlyTheConversationsOwnFilesAndOnlyPicturesInline() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    String other = newChat();
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
        .getBytes(StandardCharsets.UTF_8);
    assertThat(upload(
                chat,
                new MultipartBody()
                    .field("id", "c1")
                    .file("file", "photo.png", "image/png", PNG)
                    // claims to be a picture; its bytes are a page
                    .file("file", "cat.png", "image/png", HTML)
                    .file("file", "drawing.svg", "image/svg+xml", svg))
            .statusCode())
        .isEqualTo(202);
    InboundMessage m = inbound.poll(5, TimeUnit.SECONDS);
    assertThat(m.attachments())
        .extracting(Attachment::kind, Attachment::mimeType)
        .containsExactly(
            tuple(AttachmentKind.IMAGE, "image/png"),
            tuple(AttachmentKind.DOCUMENT, "application/octet-stream"),
            tuple(AttachmentKind.DOCUMENT, "image/svg+xml"));
    String files = "/api/web/chats/" + chat + "/files/";

    HttpResponse<byte[]> picture = fetch(files + sha256(PNG) + "?name=photo.png", cookie);
    assertThat(picture.statusCode()).isEqualTo(200);
    assertThat(picture.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(picture.headers().firstValue("Content-Disposition"))
        .hasValue("inline; filename=\"photo.png\"; filename*=UTF-8''photo.png");
    assertThat(picture.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(picture.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'none'; sandbox");

    for (byte[] page : List.of(HTML, svg)) {
      HttpResponse<byte[]> download = fetch(files + sha256(page) + "?name=cat.png", cookie);
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(page);
      assertThat(download.headers().firstValue("Content-Type"))
          .hasValue("application/octet-stream");
      assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
          .startsWith("attachment;");
      assertThat(download.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    // The name is only a label, written so that it cannot break out of its header.
    HttpResponse<byte[]> named = fetch(
        files + sha256(PNG) + "?name="
            + URLEncoder.encode(
                "\u00e9t\u00e9 \"x\"\r\nSet-Cookie: a=b.png", StandardCharsets.UTF_8),
        cookie);
    assertThat(named.headers().firstValue("Content-Disposition"))
        .hasValue("inline; filename=\"_t_ _x_Set-Cookie: a=b.png\";"
            + " filename*=UTF-8''%C3%A9t%C3%A9%20%22x%22Set-Cookie%3A%20a%3Db.png");
    assertThat(named.headers().firstValue("Set-Cookie")).isEmpty();

    // Revalidation: the content hash is its ETag.
    HttpResponse<byte[]> again =
        fetch(files + sha256(PNG), cookie, "If-None-Match", "\"" + sha256(PNG) + "\"");
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    assertThat(fetch(files + sha256(PNG), null).statusCode()).isEqualTo(401);
    assertThat(fetch(files + sha256(PNG), "switchboard_login=forged").statusCode())
        .isEqualTo(401);
    // Another conversation's page cannot have it, nor can a hash no one sent.
    assertThat(
            fetch("/api/web/chats/" + other + "/files/" + sha256(PNG), cookie).statusCode())
        .isEqualTo(404);
    assertThat(fetch(files + "0".repeat(64), cookie).statusCode()).isEqualTo(404);
    assertThat(fetch("/api/web/chats/nope/files/" + sha256(PNG), cookie).statusCode())
        .isEqualTo(404);
    assertThat(fetch(files + "..%2F..%2Fweb_token", cookie).statusCode()).isIn(400, 404);
  }

  @Test
  void aFileFromTheAgentIsRecordedInTheConversationAndServed() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    ChatRef ref = ChatRef.of("web", chat);
    Path made = Files.createDirectories(home.resolve("made"));
    Path png = Files.write(made.resolve("chart.png"), PNG);
    Path page = Files.write(made.resolve("report.html"), HTML);
    try (SseClient events =
        SseClient.open(client, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      events.next("snapshot", 5);
      MessageRef sent = adapter.sendFile(
          ref,
          new OutboundFile(
              AttachmentKind.IMAGE, "image/png", "chart.png", png, PNG.length, "the chart"));
      JsonNode shown = JSON.readTree(events.next("message", 5).data());
      assertThat(shown.path("id").asString()).isEqualTo(sent.messageId());
      assertThat(shown.path("role").asString()).isEqualTo("agent");
      assertThat(shown.path("format").asString()).isEqualTo("text");
      assertThat(shown.path("text").asString()).isEqualTo("the chart");
      assertThat(shown.path("files").get(0).path("ref").asString()).isEqualTo(sha256(PNG));
      assertThat(shown.path("files").get(0).path("type").asString()).isEqualTo("image/png");
      assertThat(shown.path("files").get(0).path("size").asLong()).isEqualTo(PNG.length);

      // A "picture" whose bytes are a page is a file to download, whatever it was called.
      adapter.sendFile(
          ref,
          new OutboundFile(AttachmentKind.IMAGE, "image/png", "report.png", page, HTML.length, ""));
      JsonNode download = JSON.readTree(events.next("message", 5).data());
      assertThat(download.path("files").get(0).path("type").asString())
          .isEqualTo("application/octet-stream");
    }
    // Its own copy: the gateway's attachment store may prune the original.
    Files.delete(png);
    HttpResponse<byte[]> served =
        fetch("/api/web/chats/" + chat + "/files/" + sha256(PNG) + "?name=chart.png", cookie);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(PNG);
    assertThat(served.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("inline;");
    HttpResponse<byte[]> html =
        fetch("/api/web/chats/" + chat + "/files/" + sha256(HTML) + "?name=report.png", cookie);
    assertThat(html.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment;");

    List<String> lines =
        new ArrayList<>(Files.readAllLines(home.resolve("web/" + chat + ".jsonl")));
    assertThat(lines.get(1))
        .contains("\"files\":[{\"ref\":\"" + sha256(PNG)
            + "\",\"name\":\"chart.png\",\"type\":\"image/png\",\"size\":" + PNG.length + "}]");

    assertThatThrownBy(() -> adapter.sendFile(
            ref,
            new OutboundFile(AttachmentKind.IMAGE, "image/png", "gone.png", png, PNG.length, "")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("gone.png is gone")
        .matches(e -> ((PlatformException) e).fatal());
  }

  @Test
  void aFileTheAgentSendsMustFitTheLimit() throws Exception {
    start(8);
    String chat = newChat();
    Path png = Files.write(home.resolve("chart.png"), PNG);
    assertThatThrownBy(() -> adapter.sendFile(
            ChatRef.of("web", chat),
            new OutboundFile(AttachmentKind.IMAGE, "image/png", "chart.png", png, PNG.length, "")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("chart.png is larger than");
    assertThat(adapter.fileLimits().maxUploadBytes()).isEqualTo(8);
  }

  @Test
  void aDownloadOfAFileTheWebChatNoLongerHasSaysSo() throws Exception {
    start(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    String chat = newChat();
    for (String ref : List.of(chat + "/" + "0".repeat(64), "no-slash", "../x/" + "0".repeat(64))) {
      assertThatThrownBy(() ->
              adapter.download(new Attachment(AttachmentKind.IMAGE, "image/png", 1, null, ref)))
          .isInstanceOf(PlatformException.class)
          .hasMessage("the web chat no longer has this file");
    }
  }
}
