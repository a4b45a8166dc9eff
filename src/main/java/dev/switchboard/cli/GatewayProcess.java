package dev.switchboard.cli;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.lifecycle.GatewayLock;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.lifecycle.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the CLI can learn about a gateway from outside: the lock (is one alive, which pid), the
 * state file (what it says it is doing), the log (what went wrong).
 */
record GatewayProcess(Path home, GatewayLock.Probe lock, Optional<GatewayState> state) {

  static GatewayProcess look(Path home) throws IOException {
    return new GatewayProcess(home, GatewayLock.probe(home), StateFile.read(home));
  }

  boolean running() {
    return lock.held();
  }

  /** The live gateway's process, if the lock is held and its pid is known and alive. */
  Optional<ProcessHandle> handle() {
    if (!lock.held() || lock.pid().isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(lock.pid().getAsLong()).filter(ProcessHandle::isAlive);
  }

  /** The state file claims a live gateway, but none holds the lock: it was killed. */
  boolean stale() {
    return !lock.held() && state.map(GatewayState::claimsAlive).orElse(false);
  }

  String staleExplanation() {
    GatewayState s = state.orElseThrow();
    return "The state file is stale: it says '" + s.state() + "' for pid " + s.pid()
        + " (updated " + s.updatedAt() + "), but no process holds " + GatewayLock.NAME
        + ", so that gateway was killed without a chance to record it (kill -9, OOM killer,"
        + " power loss). The next start replaces it.";
  }

  /**
   * drain_timeout + shutdown_grace from the configuration, or the defaults when it cannot be
   * read (the CLI must still be able to stop a gateway whose config was broken since).
   */
  static Duration stopBudget(Path home, Map<String, String> env) {
    try {
      Config c = new ConfigLoader(PluginCatalog.discover().schema()).load(home, env);
      return c.get(CoreKeys.DRAIN_TIMEOUT).plus(c.get(CoreKeys.SHUTDOWN_GRACE));
    } catch (ConfigException e) {
      return CoreKeys.DRAIN_TIMEOUT.defaultValue().plus(CoreKeys.SHUTDOWN_GRACE.defaultValue());
    }
  }

  /** The last {@code n} lines of the gateway's log, for error messages. */
  static List<String> lastLogLines(Path home, int n) {
    Path log = Logging.logFile(home);
    Deque<String> tail = new ArrayDeque<>();
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      lines.forEach(l -> {
        tail.addLast(l);
        if (tail.size() > n) {
          tail.removeFirst();
        }
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(no log at " + log + ")");
    }
    return List.copyOf(tail);
  }
}
