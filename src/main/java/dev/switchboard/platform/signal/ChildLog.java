package dev.switchboard.platform.signal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signal-cli child's output, read line by line into our log with a "signal-cli: " prefix,
 * and the last lines of its standard error kept for the message of a start that failed (the
 * reason is at the end). signal-cli logs to standard error, warnings and errors only unless run
 * with -v, so its lines go to WARN, except those it marks INFO, DEBUG or TRACE itself. Its
 * standard output carries nothing we ask for (it runs with --no-receive-stdout): INFO.
 */
final class ChildLog {
  private static final Logger log = LoggerFactory.getLogger(SignalCliProcess.class);
  static final int TAIL_LINES = 20;
  /** A longer line is cut in the log: a stack trace line or a JSON blob needs no more. */
  static final int MAX_LINE_CHARS = 2000;

  private final long pid;
  private final CountDownLatch ended = new CountDownLatch(2);

  @GuardedBy("this")
  private final ArrayDeque<String> tail = new ArrayDeque<>();

  ChildLog(long pid) {
    this.pid = pid;
  }

  /** Reads the child's standard output and error on two virtual threads until they close. */
  void start(InputStream stdout, InputStream stderr) {
    Thread.ofVirtual().name("signal-cli stdout " + pid).start(() -> pump(stdout, false));
    Thread.ofVirtual().name("signal-cli stderr " + pid).start(() -> pump(stderr, true));
  }

  /** The last lines of standard error, oldest first. */
  synchronized List<String> tail() {
    return List.copyOf(tail);
  }

  /**
   * Waits up to {@code within} for both streams to end, as they do when the child and whatever
   * it started have exited: its last words are then in {@link #tail}.
   */
  boolean awaitEnd(Duration within) throws InterruptedException {
    return ended.await(within.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void pump(InputStream in, boolean stderr) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String shown =
            line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "\u2026" : line;
        if (stderr) {
          keep(shown);
        }
        if (stderr && !quiet(shown)) {
          log.warn("signal-cli: {}", shown);
        } else {
          log.info("signal-cli: {}", shown);
        }
      }
    } catch (IOException e) {
      // The pipe closed under us (the child was killed): what came so far is what there is.
    } finally {
      ended.countDown();
    }
  }

  private synchronized void keep(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line);
  }

  /** A line signal-cli itself logged below WARN (with -v, or its INFO lines it always shows). */
  private static boolean quiet(String line) {
    String start = line.stripLeading().toUpperCase(Locale.ROOT);
    return start.startsWith("INFO") || start.startsWith("DEBUG") || start.startsWith("TRACE");
  }
}
