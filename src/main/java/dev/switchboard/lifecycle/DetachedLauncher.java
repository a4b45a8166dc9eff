package dev.switchboard.lifecycle;

import dev.switchboard.common.OwnerOnly;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a gateway process in a new session, not as our child: {@code setsid -f} forks, so the
 * new process is re-parented to init (or the nearest subreaper) and survives our exit, our
 * process group's signals and a closed terminal. Used by a restart without a service manager
 * and by {@code switchboard start}.
 *
 * <p>The process's output goes to {@code console.log} in the given directory (owner-only); its
 * log file is the usual one.
 */
public final class DetachedLauncher {
  /** Variables that describe this process's supervisor, which the new one does not have. */
  private static final List<String> SUPERVISOR_VARIABLES = List.of(
      "NOTIFY_SOCKET",
      "WATCHDOG_USEC",
      "WATCHDOG_PID",
      "INVOCATION_ID",
      "LISTEN_FDS",
      "LISTEN_PID");

  private DetachedLauncher() {}

  /**
   * Returns once the new process is on its way (the helper that forks it has exited), not when
   * it is ready; nothing of it is ours to wait for.
   *
   * @param extraEnv set in the new process's environment on top of ours
   * @return the console file its output goes to
   */
  public static Path start(List<String> command, Path logDir, Map<String, String> extraEnv)
      throws IOException {
    List<String> argv = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
      argv.addAll(List.of("setsid", "-f"));
      argv.addAll(command);
    } else {
      // No setsid (macOS without util-linux): a shell that backgrounds the command and exits
      // also leaves it orphaned, re-parented to launchd or init, in our session though.
      argv.addAll(List.of("/bin/sh", "-c", "\"$@\" &", "switchboard-detach"));
      argv.addAll(command);
    }
    OwnerOnly.createDirectories(logDir);
    Path console = logDir.resolve("console.log");
    // A redirect would create it with the umask's mode; what the process prints is private.
    OwnerOnly.createFileIfMissing(console);
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(console.toFile()));
    Map<String, String> env = pb.environment();
    SUPERVISOR_VARIABLES.forEach(env::remove);
    env.putAll(extraEnv);
    Process starter = pb.start();
    try {
      if (!starter.waitFor(10, TimeUnit.SECONDS)) {
        starter.destroyForcibly();
        throw new IOException(
            "the detaching helper (" + argv.getFirst() + ") did not return within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the gateway process");
    }
    if (starter.exitValue() != 0) {
      throw new IOException("the detaching helper (" + argv.getFirst() + ") exited with "
          + starter.exitValue() + "; see " + console);
    }
    return console;
  }
}
