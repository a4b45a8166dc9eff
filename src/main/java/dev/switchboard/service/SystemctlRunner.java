package dev.switchboard.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a service-manager command (systemctl) to completion; tests replace it. */
@FunctionalInterface
public interface SystemctlRunner {
  /** A finished command: its exit code and its standard output and error, together. */
  record Result(int exitCode, String output) {}

  Result run(List<String> command) throws IOException, InterruptedException;

  /** Runs the real program; a start that never becomes ready is cut off after 3 minutes. */
  SystemctlRunner SYSTEM = command -> {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in 3 minutes");
    }
    return new Result(p.exitValue(), out.strip());
  };
}
