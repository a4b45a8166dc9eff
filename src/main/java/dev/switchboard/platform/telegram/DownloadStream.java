package dev.switchboard.platform.telegram;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The body of a file download, which fails rather than ends early. The JDK client's body stream
 * has no read timeout and, once closed, reads as a normal end: a stalled download would block
 * its reader for good, and one cut short would look complete. So the body is closed when
 * {@code deadline} passes, and the end of the stream is checked: past the deadline, or short of
 * the Content-Length, a read throws instead of returning -1.
 */
final class DownloadStream extends FilterInputStream {
  private final long expected;
  private final Duration deadline;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean expired;
  private long count;

  /** @param expected the Content-Length, or -1 when the server sent none */
  DownloadStream(InputStream body, long expected, Duration deadline) {
    super(body);
    this.expected = expected;
    this.deadline = deadline;
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .execute(this::expire);
  }

  private void expire() {
    if (closed.get()) {
      return;
    }
    expired = true;
    try {
      in.close(); // wakes a reader blocked on the next chunk
    } catch (IOException e) {
      // closing is all that was wanted
    }
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = in.read();
    } catch (IOException e) {
      throw failure(e);
    }
    if (b < 0) {
      ended();
    } else {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = in.read(buffer, offset, length);
    } catch (IOException e) {
      throw failure(e);
    }
    if (n < 0) {
      ended();
    } else {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped;
    try {
      skipped = in.skip(n);
    } catch (IOException e) {
      throw failure(e);
    }
    counted(skipped);
    return skipped;
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      in.close();
    }
  }

  private void counted(long n) throws IOException {
    count += n;
    if (expected >= 0 && count > expected) {
      throw new IOException(
          "the download sent more than the " + expected + " bytes its length announced");
    }
  }

  private void ended() throws IOException {
    if (expired) {
      throw timedOut(null);
    }
    if (expected >= 0 && count < expected) {
      throw new IOException("the download ended after " + count + " of " + expected + " bytes");
    }
  }

  private IOException failure(IOException e) {
    return expired ? timedOut(e) : e;
  }

  private IOException timedOut(@Nullable IOException cause) {
    return new IOException(
        "the download did not finish within " + deadline.toSeconds() + " s", cause);
  }
}
