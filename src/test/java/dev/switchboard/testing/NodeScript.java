package dev.switchboard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js test client from {@code src/test/node} (Playwright, the openai client) run as a
 * child process: its stdout lines can be awaited one by one, lines can be written to its stdin,
 * and its stderr is kept for the failure message. The npm packages are installed by
 * {@code ./run-tests} ({@code scripts/node-test-deps.sh}).
 */
public final class NodeScript implements AutoCloseable {
  private static final String END = "\u0000end";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> allLines = new CopyOnWriteArrayList<>();
  private final Path stderr;

  private NodeScript(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    Thread.ofVirtual().name("node stdout").start(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          allLines.add(line);
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      } finally {
        lines.add(END);
      }
    });
  }

  /** Starts {@code node src/test/node/<script>} with {@code env} added to ours. */
  public static NodeScript start(String script, Map<String, String> env, Path workDir)
      throws IOException {
    Path file = Path.of("src", "test", "node", script).toAbsolutePath();
    if (!Files.isDirectory(file.getParent().resolve("node_modules"))) {
      throw new IllegalStateException("src/test/node/node_modules is missing: run ./run-tests,"
          + " which installs the Node.js test clients");
    }
    Path err = Files.createTempFile(workDir, "node-", ".err");
    ProcessBuilder pb = new ProcessBuilder("node", file.toString()).redirectError(err.toFile());
    pb.environment().putAll(env);
    return new NodeScript(pb.start(), err);
  }

  /** Waits for a stdout line equal to {@code expected}; fails if the script ends first. */
  public void awaitLine(String expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "no line '" + expected + "' within " + timeout + ": " + describe());
      }
      if (line.equals(END)) {
        throw new AssertionError("the script ended before '" + expected + "': " + describe());
      }
      if (line.equals(expected)) {
        return;
      }
    }
  }

  public void writeLine(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits for the exit; returns the code. */
  public int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node script still running after " + timeout + ": " + describe());
    }
    return process.exitValue();
  }

  public List<String> stdout() {
    return List.copyOf(allLines);
  }

  /** Stdout and stderr, for an assertion message. */
  public String describe() throws IOException {
    return "\n--- stdout ---\n" + String.join("\n", allLines) + "\n--- stderr ---\n"
        + Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
