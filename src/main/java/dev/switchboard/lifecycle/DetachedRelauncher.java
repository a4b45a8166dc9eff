package dev.switchboard.lifecycle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a copy of this gateway detached from us ({@link DetachedLauncher}). The copy waits for
 * the state directory's lock, which the OS releases the moment this process exits, so the two
 * never overlap.
 */
final class DetachedRelauncher implements Relauncher {
  /** Set in the new process's environment: the pid it replaces, so it waits for the lock. */
  public static final String RELAUNCHED_FROM = "SWITCHBOARD_RELAUNCHED_FROM";

  private static final Logger log = LoggerFactory.getLogger(DetachedRelauncher.class);

  private final List<String> command;
  private final Path logDir;

  DetachedRelauncher(List<String> command, Path logDir) {
    this.command = List.copyOf(command);
    this.logDir = logDir;
  }

  @Override
  public void relaunch() throws IOException {
    Path console = DetachedLauncher.start(
        command,
        logDir,
        Map.of(RELAUNCHED_FROM, Long.toString(ProcessHandle.current().pid())));
    log.info("started the next gateway process detached; its output goes to {}", console);
  }
}
