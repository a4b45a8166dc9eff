package dev.switchboard.hooks;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook's process and whatever it starts. The hook is started through {@code setsid}, which
 * (our child not being a group leader) makes it the leader of a new session and process group
 * and then execs it: the hook's pid is its group's id, and one signal to the group reaches the
 * children it started, also those it no longer waits for. The JDK signals single processes
 * only, so the group is signalled with {@code kill -s SIG -- -PGID}.
 *
 * <p>Where {@code setsid} is missing (macOS without util-linux), the hook runs in our group and
 * is stopped with its descendants as the JDK sees them: a child already orphaned escapes that.
 */
final class ProcessGroup {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);
  private static final @Nullable String SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid");
  private static final @Nullable String KILL = firstExecutable("/bin/kill", "/usr/bin/kill");

  private final Process leader;
  private final boolean grouped;

  private ProcessGroup(Process leader, boolean grouped) {
    this.leader = leader;
    this.grouped = grouped;
  }

  /** Starts {@code builder}'s command as the leader of a process group of its own. */
  static ProcessGroup start(ProcessBuilder builder) throws IOException {
    boolean grouped = SETSID != null && KILL != null;
    if (grouped) {
      List<String> argv = new ArrayList<>();
      argv.add(SETSID);
      argv.addAll(builder.command());
      builder.command(argv);
    }
    return new ProcessGroup(builder.start(), grouped);
  }

  Process leader() {
    return leader;
  }

  /** The process group's id; empty when the hook runs in ours. */
  Optional<Long> id() {
    return grouped ? Optional.of(leader.pid()) : Optional.empty();
  }

  /** Asks every process of the group to end (SIGTERM). */
  void terminate() {
    signal("TERM");
  }

  /** Ends every process of the group (SIGKILL); a group already empty is no error. */
  void kill() {
    signal("KILL");
  }

  private void signal(String name) {
    if (!grouped) {
      signalTree(name);
      return;
    }
    String kill = KILL;
    if (kill == null) {
      return; // not grouped without it; see start
    }
    try {
      Process p = new ProcessBuilder(kill, "-s", name, "--", "-" + leader.pid())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("kill -s {} of hook group {} did not return within 5 s", name, leader.pid());
      }
    } catch (IOException e) {
      log.warn("could not signal hook group {}: {}", leader.pid(), e.getMessage());
      signalTree(name);
    } catch (InterruptedException e) {
      signalTree("KILL"); // no time to wait for kill(1): the JDK's own way, at once
      Thread.currentThread().interrupt();
    }
  }

  private void signalTree(String name) {
    List<ProcessHandle> tree = new ArrayList<>(leader.descendants().toList());
    tree.add(leader.toHandle());
    for (ProcessHandle h : tree) {
      if (name.equals("KILL")) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    }
  }

  private static @Nullable String firstExecutable(String... paths) {
    for (String p : paths) {
      if (new File(p).canExecute()) {
        return p;
      }
    }
    return null;
  }
}
