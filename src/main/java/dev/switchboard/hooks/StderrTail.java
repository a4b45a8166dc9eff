package dev.switchboard.hooks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last bytes a hook wrote to its standard error, for the log line of a hook that failed:
 * the end of its output is where the reason is, and a hook that writes megabytes must not fill
 * the memory or the log.
 */
final class StderrTail {
  static final int KEPT_BYTES = 2048;

  @GuardedBy("this")
  private final byte[] ring = new byte[KEPT_BYTES];

  @GuardedBy("this")
  private long written;

  /** Reads {@code in} to its end (or until it fails), keeping the last bytes. */
  void drain(InputStream in) {
    byte[] buffer = new byte[1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // the pipe closed under us (the hook was killed): what came so far is what there is
    }
  }

  synchronized void append(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      ring[(int) (written % KEPT_BYTES)] = bytes[i];
      written++;
    }
  }

  /** The kept bytes as text, "…" first when earlier output was dropped; trailing space cut. */
  synchronized String text() {
    int kept = (int) Math.min(written, KEPT_BYTES);
    byte[] out = new byte[kept];
    long from = written - kept;
    for (int i = 0; i < kept; i++) {
      out[i] = ring[(int) ((from + i) % KEPT_BYTES)];
    }
    // A cut through a multi-byte character decodes as one replacement character at the start.
    String text = new String(out, StandardCharsets.UTF_8).stripTrailing();
    return written > KEPT_BYTES ? "\u2026" + text : text;
  }
}
