package dev.switchboard.platform.signal;

import dev.switchboard.common.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What {@code doctor} can know of a signal-cli the gateway starts itself: that it runs ({@code
 * signal-cli --version}). Its daemon listens only while the gateway runs, on an address chosen
 * then, so the account is checked when the gateway starts it (an unregistered one fails the
 * platform with signal-cli's own words).
 */
final class SignalCliCheck {
  static final String NAME = SignalAdapter.PLATFORM;
  /** signal-cli is a JVM program: a slow machine takes seconds to print its version. */
  private static final long TIMEOUT_SECONDS = 60;

  private SignalCliCheck() {}

  static Finding run(SignalCliSettings cli, Predicate<String> secretVariable)
      throws InterruptedException {
    Path path = cli.cliPath();
    if (path == null) {
      throw new IllegalArgumentException(SignalCliSettings.CLI_PATH.path() + " is not set");
    }
    List<String> command = new ArrayList<>(List.of(path.toString()));
    if (cli.configDir() != null) {
      command.addAll(List.of("--config", cli.configDir().toString()));
    }
    command.add("--version");
    String fix = "check " + SignalCliSettings.CLI_PATH.where() + " (docs/platforms/signal.md)";
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().keySet().removeIf(secretVariable);
      Process p = builder.start();
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Finding.fail(
            NAME, path + " --version did not answer within " + TIMEOUT_SECONDS + " s", fix);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
      if (p.exitValue() != 0) {
        return Finding.fail(
            NAME,
            path + " --version exited " + p.exitValue() + (last.isEmpty() ? "" : ": " + last),
            fix);
      }
      return Finding.ok(
          NAME,
          (last.isEmpty() ? "signal-cli" : last) + " at " + path + "; the gateway starts it for "
              + cli.account() + " and checks the account then");
    } catch (IOException e) {
      return Finding.fail(NAME, "cannot run " + path + ": " + e.getMessage(), fix);
    }
  }
}
