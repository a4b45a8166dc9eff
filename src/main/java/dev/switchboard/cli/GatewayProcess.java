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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  /**
   * The live gateway's process: the lock is held, and the pid in the lock file is the pid in
   * the state file and is alive. Anything less is not signalled: a pid read in the instant
   * between a start taking the lock and writing its pid may be some other process.
   */
  Optional<ProcessHandle> handle() {
    if (!lock.held() || lock.pid().isEmpty()) {
      return Optional.empty();
    }
    long pid = lock.pid().getAsLong();
    if (state.isEmpty() || state.get().pid() != pid) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
  }

  /** The lock is held, but by nothing {@link #handle()} can vouch for. */
  boolean unidentified() {
    return lock.held() && handle().isEmpty();
  }

  String unidentifiedExplanation() {
    return "a process holds " + home.resolve(GatewayLock.NAME) + " but it could not be"
        + " identified as the gateway (lock file: pid "
        + (lock.pid().isPresent() ? Long.toString(lock.pid().getAsLong()) : "unknown")
        + ", state file: pid "
        + state.map(s -> Long.toString(s.pid())).orElse("unknown") + "), so it was not"
        + " signalled. If a gateway is starting, try again in a moment.";
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
   * How long a stop of this gateway may take: what the running gateway recorded in its state
   * file (its own environment may differ from ours, under systemd say), else drain_timeout +
   * shutdown_grace from the configuration, else the defaults (the CLI must still be able to
   * stop a gateway whose config was broken since).
   */
  Duration stopBudget(Map<String, String> env) {
    if (state.isPresent() && state.get().hardDeadlineSeconds() != null) {
      return Duration.ofSeconds(state.get().hardDeadlineSeconds());
    }
    try {
      Config c = new ConfigLoader(PluginCatalog.discover().schema()).load(home, env);
      return c.get(CoreKeys.DRAIN_TIMEOUT).plus(c.get(CoreKeys.SHUTDOWN_GRACE));
    } catch (ConfigException e) {
      // both keys have defaults
      return Objects.requireNonNull(CoreKeys.DRAIN_TIMEOUT.defaultValue())
          .plus(Objects.requireNonNull(CoreKeys.SHUTDOWN_GRACE.defaultValue()));
    }
  }

  /** The last {@code n} lines of the gateway's log, for error messages. */
  static List<String> lastLogLines(Path home, int n) {
    return lastLines(Logging.logFile(home), n);
  }

  /** What a detached successor printed before its logging started (JVM errors, say). */
  static List<String> lastConsoleLines(Path home, int n) {
    Path console = home.resolve("logs").resolve("console.log");
    return Files.exists(console) ? lastLines(console, n) : List.of();
  }

  private static List<String> lastLines(Path log, int n) {
    Deque<String> tail = new ArrayDeque<>();
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      lines.forEach(l -> {
        tail.addLast(l);
        if (tail.size() > n) {
          tail.removeFirst();
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return List.of("(no log at " + log + ")");
    }
    return List.copyOf(tail);
  }
}
