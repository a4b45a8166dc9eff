package dev.switchboard.hooks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the hooks of an event each time it happens, so a hook added or removed takes effect
 * without a restart: every executable regular file in {@code hooks/<event>/} (hidden files
 * left out), sorted by name, then the commands configured for it in their order.
 */
final class HookDiscovery {
  private static final Logger log = LoggerFactory.getLogger(HookDiscovery.class);

  private final Path root;
  private final HookSettings settings;
  /** Files already reported as not executable: one line each, not one per event. */
  private final Set<Path> reported = ConcurrentHashMap.newKeySet();

  /** @param home the state directory; hooks live in its {@code hooks/} */
  HookDiscovery(Path home, HookSettings settings) {
    this.root = home.resolve("hooks");
    this.settings = settings;
  }

  /**
   * Whether {@link #find} may find anything for {@code kind}: one {@code stat} of its
   * directory, so that an event nobody hooks costs no listing (and a hook added later still
   * counts from its next event).
   */
  boolean mayHave(EventKind kind) {
    return !settings.commandsFor(kind).isEmpty() || Files.isDirectory(root.resolve(kind.label()));
  }

  List<Hook> find(EventKind kind) {
    List<Hook> hooks = new ArrayList<>();
    Path dir = root.resolve(kind.label());
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .filter(Files::isRegularFile)
            .filter(this::executable)
            .sorted()
            .forEach(p -> hooks.add(new Hook(
                "hooks/" + kind.label() + "/" + p.getFileName(),
                List.of(p.toAbsolutePath().toString()))));
      } catch (IOException e) {
        log.warn("cannot list the hooks in {}: {}", dir, e.toString());
      }
    }
    List<String> commands = settings.commandsFor(kind);
    for (int i = 0; i < commands.size(); i++) {
      hooks.add(new Hook(
          HookSettings.commandsKey(kind).path() + "[" + i + "]",
          List.of("/bin/sh", "-c", commands.get(i))));
    }
    return hooks;
  }

  private boolean executable(Path file) {
    if (Files.isExecutable(file)) {
      return true;
    }
    if (reported.add(file)) {
      log.warn("{} is not executable, so it is not run as a hook; chmod u+x it", file);
    }
    return false;
  }
}
