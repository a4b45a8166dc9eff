package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.CannedHttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a file download makes of Slack's answers, against a canned file host. */
class FileDownloadTest {
  private static final String TOKEN = "xoxb-1-2-downloadtest";
  private static final String SIGN_IN =
      "\n  <!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>";

  private final CannedHttpServer host = CannedHttpServer.start();
  private final HttpClient http = HttpClient.newHttpClient();
  private final FileDownload download = new FileDownload(http, host.uri());

  @AfterEach
  void stop() {
    host.close();
    http.close();
  }

  private Attachment file(String mime) {
    return new Attachment(
        AttachmentKind.DOCUMENT, mime, 10, "f", host.uri() + "/files-pri/T1-F1/download/f");
  }

  private void answer(int status, String contentType, String body) {
    host.answer(new CannedHttpServer.Answer(
        status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8)));
  }

  private PlatformException refusal(Attachment a) {
    PlatformException[] caught = new PlatformException[1];
    assertThatThrownBy(() -> download.open(a, TOKEN))
        .isInstanceOfSatisfying(PlatformException.class, e -> caught[0] = e);
    assertThat(caught[0].getMessage()).doesNotContain(TOKEN);
    return caught[0];
  }

  @Test
  void aSignInPageSentAsAnOrdinaryFileIsStillRecognised() {
    answer(200, "application/octet-stream", SIGN_IN);

    assertThat(refusal(file("image/png")).getMessage()).contains("files:read");
  }

  @Test
  void anHtmlFileTheUserSharedIsPassedOn() throws Exception {
    answer(200, "text/html; charset=utf-8", SIGN_IN);

    try (InputStream in = download.open(file("text/html"), TOKEN)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(SIGN_IN);
    }
  }

  @Test
  void aFailingFileServiceMaySucceedLaterAndARefusalNamesTheScope() {
    answer(503, "text/plain", "busy");
    PlatformException busy = refusal(file("image/png"));
    assertThat(busy.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
    assertThat(busy.getMessage()).contains("HTTP 503");

    answer(403, "text/plain", "no");
    PlatformException forbidden = refusal(file("image/png"));
    assertThat(forbidden.fatal()).isTrue();
    assertThat(forbidden.getMessage()).contains("files:read");

    host.answer(new CannedHttpServer.Answer(429, Map.of("Retry-After", "7"), new byte[0]));
    PlatformException limited = refusal(file("image/png"));
    assertThat(limited.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
    assertThat(limited.retryAfter()).hasSeconds(7);
  }

  @Test
  void aRedirectIsFollowedWithTheTokenOnlyWhileItStaysOnTheFileHost() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer files =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (CannedHttpServer other = CannedHttpServer.start()) {
      files.createContext("/", exchange -> {
        try (exchange) {
          String path = exchange.getRequestURI().getPath();
          seen.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
          String to = path.equals("/files-pri/T1-F1/a.png")
              ? "/files-pri/T1-F1/download/a.png"
              : path.equals("/files-pri/T1-F2/a.png") ? other.uri() + "/?redir=x" : null;
          if (to != null) {
            exchange.getResponseHeaders().add("Location", to);
            exchange.sendResponseHeaders(302, -1);
          } else {
            exchange.sendResponseHeaders(200, 3);
            exchange.getResponseBody().write(new byte[] {1, 2, 3});
          }
        }
      });
      files.start();
      URI base = URI.create("http://127.0.0.1:" + files.getAddress().getPort());
      FileDownload d = new FileDownload(http, base);
      Attachment near = new Attachment(
          AttachmentKind.IMAGE, "image/png", 3, "a", base + "/files-pri/T1-F1/a.png");
      Attachment away = new Attachment(
          AttachmentKind.IMAGE, "image/png", 3, "a", base + "/files-pri/T1-F2/a.png");

      try (InputStream in = d.open(near, TOKEN)) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
      assertThatThrownBy(() -> d.open(away, TOKEN))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("away from its file host")
          .hasMessageContaining("files:read")
          .hasMessageNotContaining(TOKEN);
      assertThat(seen)
          .containsExactly(
              "/files-pri/T1-F1/a.png Bearer " + TOKEN,
              "/files-pri/T1-F1/download/a.png Bearer " + TOKEN,
              "/files-pri/T1-F2/a.png Bearer " + TOKEN);
    } finally {
      files.stop(0);
    }
  }

  @Test
  void aClientThatFollowsRedirectsIsNotTakenForDownloads() {
    try (HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()) {
      assertThatThrownBy(() -> new FileDownload(following, URI.create("https://files.slack.com")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void onlyTheFileHostsOriginAndPathQualify() {
    FileDownload slack = new FileDownload(http, URI.create("https://files.slack.com"));
    assertThat(slack.onFileHost("https://files.slack.com/files-pri/T1-F1/download/a.png"))
        .isPresent();
    assertThat(slack.onFileHost("https://FILES.slack.com:443/files-pri/T1-F1/a.png"))
        .isPresent();
    assertThat(slack.onFileHost("http://files.slack.com/files-pri/T1-F1/a.png")).isEmpty();
    assertThat(slack.onFileHost("https://files.slack.com.evil.test/files-pri/a.png"))
        .isEmpty();
    assertThat(slack.onFileHost("https://files.slack.com@evil.test/files-pri/a.png"))
        .isEmpty();
    assertThat(slack.onFileHost("https://evil.test/?https://files.slack.com/")).isEmpty();
    assertThat(slack.onFileHost("https://files.slack.com:8443/files-pri/a.png")).isEmpty();

    FileDownload under = new FileDownload(http, URI.create("http://127.0.0.1:9/slack-files"));
    assertThat(under.onFileHost("http://127.0.0.1:9/slack-files/files-pri/a.png"))
        .isPresent();
    assertThat(under.onFileHost("http://127.0.0.1:9/slack-filesX/a.png")).isEmpty();
    assertThat(under.onFileHost("http://127.0.0.1:9/slack-files/../api/a.png")).isEmpty();
  }
}
