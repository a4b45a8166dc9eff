package dev.switchboard.lifecycle;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a copy of this gateway in a new session, not as our child: {@code setsid -f} forks,
 * so the new process is re-parented to init (or the nearest subreaper) and survives our exit,
 * our process group's signals and a closed terminal. The copy waits for the state directory's
 * lock, which the OS releases the moment this process exits, so the two never overlap.
 *
 * <p>The copy's output goes to {@code logs/console.log}; its log file is the usual one.
 */
final class DetachedRelauncher implements Relauncher {
  /** Set in the new process's environment: the pid it replaces, so it waits for the lock. */
  public static final String RELAUNCHED_FROM = "SWITCHBOARD_RELAUNCHED_FROM";
  private static final Logger log = LoggerFactory.getLogger(DetachedRelauncher.class);

  /** Variables that describe this process's supervisor, which the copy does not have. */
  private static final List<String> SUPERVISOR_VARIABLES = List.of("NOTIFY_SOCKET",
      "WATCHDOG_USEC", "WATCHDOG_PID", "INVOCATION_ID", "LISTEN_FDS", "LISTEN_PID");

  private final List<String> command;
  private final Path logDir;

  DetachedRelauncher(List<String> command, Path logDir) {
    this.command = List.copyOf(command);
    this.logDir = logDir;
  }

  @Override
  public void relaunch() throws IOException {
    List<String> argv = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
      argv.addAll(List.of("setsid", "-f"));
      argv.addAll(command);
    } else {
      // No setsid (macOS without util-linux): a shell that backgrounds the command and exits
      // also leaves it orphaned, re-parented to launchd or init, in our session though.
      argv.addAll(List.of("/bin/sh", "-c", "\"$@\" &", "switchboard-relaunch"));
      argv.addAll(command);
    }
    Files.createDirectories(logDir);
    File console = logDir.resolve("console.log").toFile();
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(console))
        .redirectError(ProcessBuilder.Redirect.appendTo(console));
    Map<String, String> env = pb.environment();
    SUPERVISOR_VARIABLES.forEach(env::remove);
    env.put(RELAUNCHED_FROM, Long.toString(ProcessHandle.current().pid()));
    Process starter = pb.start();
    try {
      if (!starter.waitFor(10, TimeUnit.SECONDS)) {
        starter.destroyForcibly();
        throw new IOException("the relaunch helper did not return within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while relaunching");
    }
    if (starter.exitValue() != 0) {
      throw new IOException("the relaunch helper exited with " + starter.exitValue()
          + "; see " + console);
    }
    log.info("started the next gateway process detached ({}); its output goes to {}",
        String.join(" ", argv.subList(0, Math.min(2, argv.size()))), console);
  }
}
