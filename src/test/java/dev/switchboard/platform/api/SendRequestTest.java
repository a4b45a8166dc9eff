package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.StubPlatformContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/send} with files in OpenAI's file-part shape: each file's data reaches the
 * gateway's sender decoded, with its name and type; a file that is not base64 is refused naming
 * where it is, and nothing is sent.
 */
class SendRequestTest {
  private static final String KEY = "sk-test-0123456789abcdef0123456789abcdef";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path spool;

  private final HttpClient client = HttpClient.newHttpClient();
  private final StubPlatformContext context = new StubPlatformContext();
  private final List<String> sends = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private ApiServerAdapter adapter;
  private String base;

  @BeforeEach
  void start() throws Exception {
    context.sender = (target, text, files, key) -> {
      StringBuilder line = new StringBuilder(target + "|" + text + "|" + key);
      for (ProactiveSender.Upload f : files) {
        try (InputStream in = f.bytes().open()) {
          line.append("|")
              .append(f.fileName())
              .append(" ")
              .append(f.mimeType())
              .append(" ")
              .append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      sends.add(line.toString());
      return new ProactiveSender.Outcome.Sent(ChatRef.of("telegram", "42"), List.of("7"));
    };
    adapter = new ApiServerAdapter(
        new ApiSettings(KEY, 60, "switchboard", Duration.ofSeconds(5)),
        Clock.systemUTC(),
        new ManualClock(),
        spool,
        new ImageFetcher());
    server = new HttpServer("127.0.0.1", 0);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(m -> {}, context);
  }

  @AfterEach
  void stop() throws Exception {
    adapter.disconnect();
    client.shutdownNow();
    client.awaitTermination(Duration.ofSeconds(5));
    server.close();
  }

  private HttpResponse<String> send(String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + "/v1/send"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void filesReachTheSenderDecodedWithTheirNamesAndTypes() throws Exception {
    HttpResponse<String> answer = send("{\"target\": \"telegram:42\", \"idempotency_key\": \"r1\","
        + " \"files\": [{\"filename\": \"a.pdf\", \"file_data\": \"data:application/pdf;base64,"
        + base64("%PDF-1.7 report") + "\"}, {\"filename\": \"n.txt\", \"file_data\": \""
        + base64("bare base64") + "\"}]}");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("message_ids").get(0).asString()).isEqualTo("7");
    assertThat(sends)
        .containsExactly(
            "telegram:42||r1|a.pdf application/pdf %PDF-1.7 report|n.txt text/plain bare base64");
  }

  @Test
  void textGoesWithTheFilesAndTextAloneIsAsBefore() throws Exception {
    assertThat(send("{\"target\": \"telegram:42\", \"text\": \"see\", \"files\": [{\"file_data\":"
                + " \"data:image/png;base64," + base64("png") + "\"}]}")
            .statusCode())
        .isEqualTo(200);
    assertThat(send("{\"target\": \"telegram:42\", \"text\": \"hi\"}").statusCode())
        .isEqualTo(200);

    assertThat(sends)
        .containsExactly("telegram:42|see|null|file image/png png", "telegram:42|hi|null");
  }

  @Test
  void aFileThatIsNotBase64OrNotAnArrayIsRefusedAndNothingIsSent() throws Exception {
    HttpResponse<String> bad = send("{\"target\": \"telegram:42\", \"files\": [{\"filename\":"
        + " \"a.pdf\", \"file_data\": \"data:application/pdf;base64,%%%\"}]}");
    HttpResponse<String> notArray =
        send("{\"target\": \"telegram:42\", \"files\": {\"file_data\": \"eA==\"}}");
    HttpResponse<String> nothing = send("{\"target\": \"telegram:42\"}");

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("error").path("param").asString())
        .isEqualTo("files[0].file_data");
    assertThat(notArray.statusCode()).isEqualTo(400);
    assertThat(notArray.body()).contains("files must be an array");
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertThat(nothing.body()).contains("text is required");
    assertThat(sends).isEmpty();
  }
}
