package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SseReaderTest {
  private static SseReader reader(String text) {
    return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), () -> {});
  }

  @Test
  void eventsEndAtBlankLinesWhateverTheLineEnding() throws IOException {
    SseReader r = reader("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata:d\n\n");

    assertThat(r.next()).isEqualTo("a");
    assertThat(r.next()).isEqualTo("b");
    assertThat(r.next()).isEqualTo("c");
    assertThat(r.next()).isEqualTo("d");
    assertThat(r.next()).isNull();
  }

  @Test
  void dataLinesOfOneEventAreJoinedWithNewlines() throws IOException {
    assertThat(reader("data: {\"a\":\ndata:  1}\n\n").next()).isEqualTo("{\"a\":\n 1}");
  }

  @Test
  void commentsOtherFieldsAndEmptyEventsAreSkippedButCountAsActivity() throws IOException {
    AtomicInteger lines = new AtomicInteger();
    SseReader r = new SseReader(
        new ByteArrayInputStream(": keep-alive\n\nevent: message\nid: 7\nretry: 10\ndata: x\n\n"
            .getBytes(StandardCharsets.UTF_8)),
        lines::incrementAndGet);

    assertThat(r.next()).isEqualTo("x");
    assertThat(lines).hasValue(7); // the blank line ending the event too
  }

  @Test
  void anEventCutOffByTheEndOfTheStreamIsDropped() throws IOException {
    SseReader r = reader("data: whole\n\ndata: half");

    assertThat(r.next()).isEqualTo("whole");
    assertThat(r.next()).isNull();
  }

  @Test
  void multiByteCharactersSurviveAnySplit() throws IOException {
    assertThat(reader("data: h\u00e9llo \ud83d\udc4b\n\n").next())
        .isEqualTo("h\u00e9llo \ud83d\udc4b");
  }

  /** Each event is returned as soon as its blank line arrives, without waiting for more. */
  @Test
  void eventsAreReturnedAsTheyArrive() {
    BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    InputStream trickle = new InputStream() {
      private byte[] current = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          if (pos == current.length) {
            current = chunks.take(); // blocks like a socket with nothing to read
            pos = 0;
          }
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    SseReader r = new SseReader(trickle, () -> {});

    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      chunks.add("data: one\n".getBytes(StandardCharsets.UTF_8));
      chunks.add("\n".getBytes(StandardCharsets.UTF_8));
      assertThat(r.next()).isEqualTo("one");
      chunks.add("data: two\n\n".getBytes(StandardCharsets.UTF_8));
      assertThat(r.next()).isEqualTo("two");
    });
  }
}
