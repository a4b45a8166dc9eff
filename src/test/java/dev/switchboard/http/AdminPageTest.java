package dev.switchboard.http;

import static dev.switchboard.testing.RawHttp.readHead;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.MultipartForm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  private static final int MAX_FILE = 512 * 1024;

  @BeforeEach
  void start() throws Exception {
    token = LoginToken.loadOrCreate(home);
    server = new HttpServer("127.0.0.1", 0);
    AdminPage.install(
        server,
        token,
        () -> JsonExchange.json().createObjectNode().put("state", "running"),
        () -> restarts.incrementAndGet() > 0,
        (target, text, key, files) -> {
          StringBuilder line = new StringBuilder(target + "|" + text + "|" + key);
          for (AdminSend.Upload f : files) {
            try (InputStream in = f.bytes().open()) {
              line.append("|")
                  .append(f.fileName())
                  .append(" ")
                  .append(f.contentType())
                  .append(" ")
                  .append(in.readAllBytes().length);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
          sends.add(line.toString());
          return new AdminSend.Answer(
              200, JsonExchange.json().createObjectNode().put("target", target));
        },
        new SendUploads(MAX_FILE, 2, home.resolve("incoming")));
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

  @Test
  void aSendWithFilesIsAnUploadWithinTheFileLimit() throws Exception {
    String cookie = loginCookie();
    Path small = Files.write(home.resolve("chart.png"), new byte[200 * 1024]); // on disk
    MultipartForm form = new MultipartForm()
        .field("target", "telegram:42")
        .field("text", "the chart")
        .field("idempotency_key", "k2")
        .file("file", "chart.png", "image/png", small)
        .file("file", "notes.txt", "text/plain", Files.writeString(home.resolve("n"), "abc"));

    HttpResponse<String> withoutHeader = upload(form, cookie, false);
    assertThat(withoutHeader.statusCode()).isEqualTo(403);
    assertThat(withoutHeader.body()).contains(LoginGate.UPLOAD_HEADER);
    assertThat(upload(form, null, true).statusCode()).isEqualTo(401);
    assertThat(sends).isEmpty();

    HttpResponse<String> sent = upload(form, cookie, true);

    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    assertThat(sends)
        .containsExactly(
            "telegram:42|the chart|k2|chart.png image/png 204800|notes.txt text/plain 3");
    try (var left = Files.list(home.resolve("incoming"))) {
      assertThat(left).as("parts written to disk are deleted after the send").isEmpty();
    }
  }

  @Test
  void aRefusedUploadIsReadBeforeItsAnswerSoTheConnectionStaysUsable() throws Exception {
    // Answering while the client still sends would close the connection under it: a client
    // meeting that reset mid-upload never reads the 401. Read first, then the next request on
    // the same connection is answered too.
    int port = URI.create(base).getPort();
    byte[] body = new byte[200 * 1024];
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 2; i++) {
        out.write(("POST /api/admin/send HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\n"
                + LoginGate.UPLOAD_HEADER + ": 1\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("connection: close");
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        assertThat(in.readNBytes(length)).hasSize(length);
      }
    }
    assertThat(sends).isEmpty();
  }

  @Test
  void aRefusedBodyTooLargeToReadFirstEndsItsConnection() throws Exception {
    assertThat(refusedWithoutBody("", JsonExchange.REFUSED_BODY_READ_LIMIT + 1))
        .startsWith("HTTP/1.1 401")
        .containsIgnoringCase("connection: close");
  }

  @Test
  void aRefusedUploadThatWaitsFor100ContinueIsNotInvitedToSend() throws Exception {
    assertThat(refusedWithoutBody("Expect: 100-continue\r\n", 200 * 1024))
        .startsWith("HTTP/1.1 401")
        .containsIgnoringCase("connection: close");
  }

  /** The answer's head to an upload without a login whose body is never sent. */
  private String refusedWithoutBody(String extraHeaders, long length) throws IOException {
    try (Socket s = new Socket("127.0.0.1", URI.create(base).getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(("POST /api/admin/send HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: multipart/form-data; boundary=b\r\n"
                  + LoginGate.UPLOAD_HEADER + ": 1\r\n" + extraHeaders
                  + "Content-Length: " + length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      return readHead(s.getInputStream());
    }
  }

  @Test
  void tooLargeOrTooManyFilesAreRefusedAndNothingIsSent() throws Exception {
    String cookie = loginCookie();
    Path big = Files.write(home.resolve("big.bin"), new byte[MAX_FILE + 1]);
    Path one = Files.writeString(home.resolve("one.txt"), "1");

    HttpResponse<String> tooLarge = upload(
        new MultipartForm()
            .field("target", "telegram:42")
            .file("file", "big.bin", "application/octet-stream", big),
        cookie,
        true);
    HttpResponse<String> tooMany = upload(
        new MultipartForm()
            .field("target", "telegram:42")
            .file("file", "1.txt", "text/plain", one)
            .file("file", "2.txt", "text/plain", one)
            .file("file", "3.txt", "text/plain", one),
        cookie,
        true);
    HttpResponse<String> noTarget =
        upload(new MultipartForm().file("file", "1.txt", "text/plain", one), cookie, true);

    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("512 KB").contains("media.max_file_mb");
    assertThat(tooMany.statusCode()).isEqualTo(413);
    assertThat(tooMany.body()).contains("at most 2 files");
    assertThat(noTarget.statusCode()).isEqualTo(400);
    assertThat(noTarget.body()).contains("target");
    assertThat(sends).isEmpty();
  }

  private String loginCookie() throws Exception {
    HttpResponse<String> login =
        post("/api/admin/login", "application/json", "{\"token\":\"" + token.reveal() + "\"}");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private HttpResponse<String> upload(MultipartForm form, String cookie, boolean header)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/admin/send"))
        .header("Content-Type", form.contentType())
        .POST(form.body());
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (header) {
      b.header(LoginGate.UPLOAD_HEADER, "1");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
