package dev.switchboard.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus text read by the official Python client's parser (Debian's
 * python3-prometheus-client, installed by ./run-tests), which refuses any malformed line: a
 * parser nobody here wrote, so "it parses" means what a Prometheus server would think.
 */
public final class PrometheusParser {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SCRIPT = Path.of("src", "test", "python", "parse_metrics.py");

  private PrometheusParser() {}

  /** The families by name; fails with the parser's complaint when the text does not parse. */
  public static JsonNode parse(String text) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      throw new IllegalStateException(
          PYTHON + " is missing: run ./run-tests, which installs" + " python3-prometheus-client");
    }
    Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toAbsolutePath().toString()).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the Prometheus parser did not finish");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("the Prometheus parser refused the text: " + err);
    }
    return JsonMapper.builder().build().readTree(out).path("families");
  }
}
