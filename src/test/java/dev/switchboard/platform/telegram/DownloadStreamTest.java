package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The download body: complete, or an IOException, never a short file that looks whole. */
class DownloadStreamTest {
  /**
   * What the JDK client's body stream does: a read blocks until bytes come, and once closed it
   * reads as the end of the stream.
   */
  private static final class StalledBody extends InputStream {
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public int read() throws IOException {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      return -1;
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void aCompleteBodyReadsToItsEnd() throws Exception {
    byte[] bytes = {1, 2, 3, 4};
    try (InputStream in =
        new DownloadStream(new ByteArrayInputStream(bytes), 4, Duration.ofMinutes(1))) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
      assertThat(in.read()).isEqualTo(-1);
    }
    try (InputStream unknownLength =
        new DownloadStream(new ByteArrayInputStream(bytes), -1, Duration.ofMinutes(1))) {
      assertThat(unknownLength.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void aBodyShortOfItsLengthFails() {
    InputStream in =
        new DownloadStream(new ByteArrayInputStream(new byte[5]), 10, Duration.ofMinutes(1));

    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessage("the download ended after 5 of 10 bytes");
  }

  @Test
  void aBodyLongerThanItsLengthFails() {
    InputStream in =
        new DownloadStream(new ByteArrayInputStream(new byte[11]), 10, Duration.ofMinutes(1));

    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than the 10 bytes");
  }

  @Test
  void aStalledBodyFailsWhenTheDeadlinePasses() {
    InputStream in = new DownloadStream(new StalledBody(), -1, Duration.ofMillis(200));

    assertThatThrownBy(in::read)
        .isInstanceOf(IOException.class)
        .hasMessage("the download did not finish within 0 s");
  }
}
