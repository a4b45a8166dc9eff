package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code switchboard send --file}: the files are checked before the gateway is asked (a file
 * that cannot go names itself and nothing is sent), and the request is the form the gateway's
 * admin endpoint reads.
 */
class SendSubcommandTest {
  private static final long MB = 1024L * 1024;

  @TempDir
  Path dir;

  /** The exit code, then what it printed to stderr. */
  private record Run(int exit, String err) {}

  @SuppressWarnings("NullAway") // no signals are needed to refuse before the gateway is asked
  private Run send(Map<String, String> env, String... args) {
    List<String> all =
        new ArrayList<>(List.of("send", "--home", dir.resolve("home").toString()));
    all.addAll(List.of(args));
    CommandLine cl = SwitchboardCommand.commandLine(all, env, null);
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(all.toArray(String[]::new)), err.toString());
  }

  @Test
  void aMissingFileIsNamedAndNothingIsSentBeforeTheGatewayIsAsked() {
    Path missing = dir.resolve("nope.png");

    Run run = send(Map.of(), "telegram:42", "caption", "--file", missing.toString());

    assertThat(run.exit()).isEqualTo(CliExit.FAILED);
    assertThat(run.err())
        .contains("cannot send " + missing + " does not exist; nothing was sent")
        .as("the files are checked first: no gateway runs here")
        .doesNotContain("not running");
  }

  @Test
  void aFileOverTheGatewaysLimitIsRefusedNamingTheSetting() throws Exception {
    Path big = Files.write(dir.resolve("big.pdf"), new byte[(int) (1.5 * MB)]);

    Run run =
        send(Map.of("SWITCHBOARD_MEDIA_MAX_FILE_MB", "1"), "telegram:42", "--file", big.toString());

    assertThat(run.exit()).isEqualTo(CliExit.FAILED);
    assertThat(run.err())
        .contains(big + " is 1.5 MB; the gateway sends files of at most 1 MB"
            + " (media.max_file_mb); nothing was sent");
  }

  @Test
  void withoutTextOrFileThereIsNothingToSend() {
    Run run = send(Map.of(), "telegram:42");

    assertThat(run.exit()).isEqualTo(CliExit.FAILED);
    assertThat(run.err()).contains("give the TEXT to send, a --file PATH, or both");
  }

  @Test
  void theChecksNameEachKindOfFileThatCannotGo() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.txt"));
    Path folder = Files.createDirectory(dir.resolve("folder"));
    Path ok = Files.writeString(dir.resolve("ok.txt"), "ok");
    List<Path> eleven = IntStream.range(0, 11).mapToObj(i -> ok).toList();

    assertThatThrownBy(() -> SendFiles.check(List.of(ok, empty), MB))
        .hasMessage(empty + " is empty: there is nothing to send");
    assertThatThrownBy(() -> SendFiles.check(List.of(folder), MB))
        .hasMessage(folder + " is a directory, not a file");
    assertThatThrownBy(() -> SendFiles.check(eleven, MB))
        .hasMessage("at most 10 files go in one send, not 11");
    assertThatThrownBy(() -> SendFiles.check(List.of(ok), 1))
        .hasMessage(ok + " is 2 bytes; the gateway sends files of at most 1 bytes"
            + " (media.max_file_mb)");
  }

  @Test
  void anUnreadableFileIsRefused() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
    Path secret = Files.writeString(dir.resolve("secret.txt"), "s");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));

    assertThatThrownBy(() -> SendFiles.check(List.of(secret), MB))
        .hasMessage(secret + " cannot be read: permission denied");
  }

  @Test
  void filesGoAsAMultipartUploadWithTheFieldsTheGatewayReads() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
    Path chart = Files.write(dir.resolve("chart.png"), png);
    Path notes = Files.writeString(dir.resolve("notes"), "plain");
    List<SendFiles.Checked> files = SendFiles.check(List.of(chart, notes), MB);

    AdminSendBody body = AdminSendBody.of("telegram:42:7", "the *chart*", "k-1", files);

    assertThat(body.upload()).isTrue();
    assertThat(body.contentType()).startsWith("multipart/form-data; boundary=");
    List<MultiPart.Part> parts = parts(body);
    assertThat(parts)
        .extracting(MultiPart.Part::getName)
        .containsExactly("target", "text", "idempotency_key", "file", "file");
    assertThat(parts.get(0).getContentAsString(StandardCharsets.UTF_8)).isEqualTo("telegram:42:7");
    assertThat(parts.get(1).getContentAsString(StandardCharsets.UTF_8)).isEqualTo("the *chart*");
    assertThat(parts.get(2).getContentAsString(StandardCharsets.UTF_8)).isEqualTo("k-1");
    assertThat(parts.get(3).getFileName()).isEqualTo("chart.png");
    assertThat(parts.get(3).getHeaders().get(HttpHeader.CONTENT_TYPE)).isEqualTo("image/png");
    assertThat(parts.get(3).getContentAsString(StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(png, StandardCharsets.ISO_8859_1));
    assertThat(parts.get(4).getFileName()).isEqualTo("notes");
    assertThat(parts.get(4).getHeaders().get(HttpHeader.CONTENT_TYPE))
        .isEqualTo("application/octet-stream");
    assertThat(body.publisher().contentLength()).isEqualTo(bytes(body.publisher()).length);
  }

  @Test
  void textAloneGoesAsJsonAndAFileWithoutTextHasNoTextField() throws Exception {
    AdminSendBody json = AdminSendBody.of("slack:C1", "hi", null, List.of());
    Path chart = Files.write(dir.resolve("chart.png"), new byte[] {1});
    AdminSendBody fileOnly =
        AdminSendBody.of("slack:C1", null, null, SendFiles.check(List.of(chart), MB));

    assertThat(json.upload()).isFalse();
    assertThat(json.contentType()).isEqualTo("application/json");
    JsonNode request = JsonMapper.builder().build().readTree(bytes(json.publisher()));
    assertThat(request.path("target").asString()).isEqualTo("slack:C1");
    assertThat(request.path("text").asString()).isEqualTo("hi");
    assertThat(request.has("idempotency_key")).isFalse();
    assertThat(parts(fileOnly))
        .extracting(MultiPart.Part::getName)
        .containsExactly("target", "file");
  }

  private static List<MultiPart.Part> parts(AdminSendBody body) throws Exception {
    MultiPartFormData.Parser parser =
        new MultiPartFormData.Parser(MultiPart.extractBoundary(body.contentType()));
    parser.setMaxMemoryFileSize(Long.MAX_VALUE);
    MultiPartFormData.Parts parts = parser
        .parse(
            new ByteBufferContentSource(ByteBuffer.wrap(bytes(body.publisher()))),
            Invocable.InvocationType.NON_BLOCKING)
        .get(10, TimeUnit.SECONDS);
    List<MultiPart.Part> all = new ArrayList<>();
    parts.forEach(all::add);
    return all;
  }

  private static byte[] bytes(BodyPublisher body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    body.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        byte[] b = new byte[item.remaining()];
        item.get(b);
        out.writeBytes(b);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    done.get(10, TimeUnit.SECONDS);
    return out.toByteArray();
  }
}
