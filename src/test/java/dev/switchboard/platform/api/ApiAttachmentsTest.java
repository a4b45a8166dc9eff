package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Files in {@code /v1/chat/completions} requests over real HTTP, the test playing the gateway:
 * each reaches it as an attachment of the inbound message, whose bytes {@code download} gives
 * back exactly, from the request's spool on disk, until the request is answered.
 */
class ApiAttachmentsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String KEY = "sk-test-0123456789abcdef0123456789abcdef";

  @TempDir
  Path spool;

  private final HttpClient client = HttpClient.newHttpClient();
  private final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
  private HttpServer server;
  private ApiServerAdapter adapter;
  private String base;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(spool.resolve("request-left-by-a-crash.part"), "old");
    adapter = new ApiServerAdapter(
        new ApiSettings(KEY, 600, "switchboard", Duration.ofSeconds(30)),
        Clock.systemUTC(),
        new ManualClock(),
        spool,
        new ImageFetcher());
    server = new HttpServer("127.0.0.1", 0);
    adapter.mount(server);
    base = "http://127.0.0.1:" + server.start().getPort();
    adapter.connect(inbound::put, new StubPlatformContext());
  }

  @AfterEach
  void stop() throws Exception {
    adapter.disconnect();
    client.shutdownNow();
    client.awaitTermination(Duration.ofSeconds(5));
    server.close();
  }

  private CompletableFuture<HttpResponse<String>> post(String body) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String request(String... parts) {
    return "{\"model\":\"switchboard\",\"messages\":[{\"role\":\"user\",\"content\":["
        + String.join(",", parts) + "]}]}";
  }

  private static String text(String text) {
    return "{\"type\":\"text\",\"text\":\"" + text + "\"}";
  }

  private static String image(String mime, byte[] bytes) {
    return "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:" + mime + ";base64,"
        + Base64.getEncoder().encodeToString(bytes) + "\",\"detail\":\"high\"}}";
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private byte[] download(Attachment a) throws Exception {
    try (InputStream in = adapter.download(a)) {
      return in.readAllBytes();
    }
  }

  private List<Path> spooled() throws Exception {
    try (Stream<Path> files = Files.list(spool)) {
      return files.toList();
    }
  }

  private void answer(InboundMessage m, CompletableFuture<HttpResponse<String>> response)
      throws Exception {
    adapter.replyFinished(m.chat(), m.messageId(), "seen");
    assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void eachFileReachesTheGatewayAsAnAttachmentWithItsExactBytesUntilTheAnswer() throws Exception {
    assertThat(spooled())
        .as("what a crashed process left is deleted at connect")
        .isEmpty();
    assertThat(adapter.fileLimits().maxDownloadBytes()).isEqualTo(ContentParts.MAX_FILE_BYTES);
    assertThat(adapter.fileLimits().maxUploadBytes()).isZero();

    byte[] png = random(200_000, 1);
    byte[] pdf = "%PDF-1.4\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] wav = random(40_000, 2);
    CompletableFuture<HttpResponse<String>> response = post(request(
        text("What are these?"),
        image("image/png", png),
        "{\"type\":\"file\",\"file\":{\"filename\":\"report.pdf\",\"file_data\":"
            + "\"data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf) + "\"}}",
        "{\"type\":\"input_audio\",\"input_audio\":{\"format\":\"wav\",\"data\":\""
            + Base64.getEncoder().encodeToString(wav) + "\"}}"));
    InboundMessage m = inbound.poll(10, TimeUnit.SECONDS);
    assertThat(m).isNotNull();
    assertThat(m.text()).isEqualTo("What are these?");
    List<Attachment> files = m.attachments();
    assertThat(files)
        .extracting(Attachment::kind, Attachment::mimeType, Attachment::size, Attachment::fileName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.IMAGE, "image/png", (long) png.length, null),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.DOCUMENT, "application/pdf", (long) pdf.length, "report.pdf"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.AUDIO, "audio/wav", (long) wav.length, null));
    assertThat(files).allSatisfy(a -> assertThat(a.ref()).startsWith(m.messageId() + "/"));
    assertThat(download(files.get(0))).isEqualTo(png);
    assertThat(download(files.get(1))).isEqualTo(pdf);
    assertThat(download(files.get(2))).isEqualTo(wav);
    assertThat(download(files.get(0))).as("as often as asked").isEqualTo(png);
    assertThat(spooled()).as("the body, on disk while answered").hasSize(1);

    answer(m, response);
    // The request lets go of its files just after its answer is written: a client may see the
    // answer a moment before.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThatThrownBy(() -> adapter.download(files.get(0)))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining("has ended");
      assertThat(adapter.holdingFiles()).isZero();
      assertThat(spooled()).as("nothing is left on disk").isEmpty();
    });
  }

  @Test
  void aTwentyMegabyteImageFitsAndComesBackExactly() throws Exception {
    byte[] big = random(20 * 1024 * 1024, 3);
    String body = request(text("big"), image("image/jpeg", big));
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> response = post(body);
    InboundMessage m = inbound.poll(30, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(m).isNotNull();
    Attachment a = m.attachments().getFirst();
    assertThat(a.size()).isEqualTo(big.length);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = adapter.download(a)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    }
    assertThat(sha.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(big));
    System.out.printf(
        "api: a %d MB image in a %d MB body was read and checked in %d ms%n",
        big.length >> 20, body.length() >> 20, took.toMillis());
    answer(m, response);
  }

  @Test
  void aMalformedPartIsA400InOpenAisShapeAndNothingIsKept() throws Exception {
    HttpResponse<String> r = post(request(
            text("read this"),
            "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\",\"filename\":\"a.pdf\"}}"))
        .get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asString()).isEqualTo("messages[0].content[1].file.file_id");
    assertThat(error.path("message").asString()).contains("file_data");
    assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");

    HttpResponse<String> bad = post(request(
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,!!!!\"}}"))
        .get(10, TimeUnit.SECONDS);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("error").path("message").asString())
        .contains("messages[0].content[0].image_url.url is not valid base64");
    assertThat(inbound).isEmpty();
    assertThat(spooled()).isEmpty();
  }

  @Test
  void anImageAddressOnThisMachineIsNotFetched() throws Exception {
    HttpResponse<String> r = post(request(
            text("what is at"),
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://127.0.0.1:"
                + URI.create(base).getPort() + "/v1/models\"}}"))
        .get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("param").asString()).isEqualTo("messages[0].content[1].image_url.url");
    assertThat(error.path("message").asString())
        .contains("this machine or a private network (127.0.0.1)");
    assertThat(inbound).isEmpty();
  }
}
