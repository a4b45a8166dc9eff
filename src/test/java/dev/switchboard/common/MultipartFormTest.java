package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload body, as an independent RFC 7578 parser (Jetty's) reads it. */
class MultipartFormTest {
  @TempDir
  Path dir;

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

  private static List<MultiPart.Part> parts(MultipartForm form, byte[] body) throws Exception {
    MultiPartFormData.Parser parser =
        new MultiPartFormData.Parser(MultiPart.extractBoundary(form.contentType()));
    parser.setMaxMemoryFileSize(Long.MAX_VALUE);
    MultiPartFormData.Parts parts = parser
        .parse(
            new ByteBufferContentSource(ByteBuffer.wrap(body)),
            Invocable.InvocationType.NON_BLOCKING)
        .get(10, TimeUnit.SECONDS);
    List<MultiPart.Part> all = new ArrayList<>();
    parts.forEach(all::add);
    return all;
  }

  @Test
  void fieldsAndAFileWithAnExactLength() throws Exception {
    byte[] content = new byte[70_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) i;
    }
    Path file = dir.resolve("photo.jpg");
    Files.write(file, content);
    MultipartForm form = new MultipartForm()
        .field("chat_id", "-100123")
        .field("caption", "two\r\nlines & ünïcode")
        .file("photo", "фото \"1\".jpg", "image/jpeg", file);

    BodyPublisher body = form.body();
    byte[] bytes = bytes(body);
    List<MultiPart.Part> parts = parts(form, bytes);

    assertThat(body.contentLength()).isEqualTo(bytes.length);
    assertThat(form.contentType()).startsWith("multipart/form-data; boundary=");
    assertThat(parts)
        .extracting(MultiPart.Part::getName)
        .containsExactly("chat_id", "caption", "photo");
    assertThat(parts.get(0).getContentAsString(StandardCharsets.UTF_8)).isEqualTo("-100123");
    assertThat(parts.get(1).getContentAsString(StandardCharsets.UTF_8))
        .isEqualTo("two\r\nlines & ünïcode");
    MultiPart.Part photo = parts.get(2);
    assertThat(photo.getFileName()).isEqualTo("фото %221%22.jpg");
    assertThat(photo.getHeaders().get(HttpHeader.CONTENT_TYPE)).isEqualTo("image/jpeg");
    assertThat(photo
            .getContentAsString(StandardCharsets.ISO_8859_1)
            .getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(content);
  }

  @Test
  void aTypeThatCouldEndTheHeaderIsSentAsOctets() throws Exception {
    Path file = dir.resolve("a.bin");
    Files.write(file, new byte[] {1});
    MultipartForm form = new MultipartForm()
        .field("chat_id", "1")
        .file("document", "a.bin", "text/plain\r\nX-Injected: yes", file);

    List<MultiPart.Part> parts = parts(form, bytes(form.body()));

    MultiPart.Part document = parts.get(1);
    assertThat(document.getHeaders().get(HttpHeader.CONTENT_TYPE))
        .isEqualTo("application/octet-stream");
    assertThat(document.getHeaders().get("X-Injected")).isNull();
  }
}
