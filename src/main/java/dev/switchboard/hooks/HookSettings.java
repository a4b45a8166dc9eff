package dev.switchboard.hooks;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How hooks run.
 *
 * @param timeout how long one hook may run before its process group is killed
 * @param maxConcurrent hooks running at once, at most
 * @param maxQueued events waiting for a free slot, at most; more are dropped
 * @param includeText whether events carry what users wrote and the agent answered
 * @param commands shell commands run for each event besides the programs in its folder
 */
public record HookSettings(
    Duration timeout,
    int maxConcurrent,
    int maxQueued,
    boolean includeText,
    Map<EventKind, List<String>> commands) {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final int DEFAULT_MAX_CONCURRENT = 4;
  private static final int DEFAULT_MAX_QUEUED = 100;

  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.optional(
      "hooks.timeout",
      "SWITCHBOARD_HOOKS_TIMEOUT",
      ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)),
      DEFAULT_TIMEOUT,
      "How long one hook may run; then it and everything it started in its process group are"
          + " killed.");

  public static final ConfigKey<Integer> MAX_CONCURRENT = ConfigKey.optional(
      "hooks.max_concurrent",
      "SWITCHBOARD_HOOKS_MAX_CONCURRENT",
      ValueType.integer(1, 64),
      DEFAULT_MAX_CONCURRENT,
      "Hooks that may run at once; further events wait in the queue.");

  public static final ConfigKey<Integer> MAX_QUEUED = ConfigKey.optional(
      "hooks.max_queued",
      "SWITCHBOARD_HOOKS_MAX_QUEUED",
      ValueType.integer(1, 100_000),
      DEFAULT_MAX_QUEUED,
      "Events that may wait for a free slot; more are dropped with a warning.");

  public static final ConfigKey<Boolean> INCLUDE_TEXT = ConfigKey.optional(
      "hooks.include_text",
      "SWITCHBOARD_HOOKS_INCLUDE_TEXT",
      ValueType.bool(),
      false,
      "Whether events carry what users wrote, the agent's replies and commands' arguments.");

  /** hooks.commands.gateway_started, ..., one per event, in the order of {@link EventKind}. */
  public static final Map<EventKind, ConfigKey<List<String>>> COMMANDS = commandKeys();

  public static final HookSettings DEFAULTS = new HookSettings(
      DEFAULT_TIMEOUT, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_QUEUED, false, Map.of());

  public HookSettings {
    Objects.requireNonNull(timeout, "timeout");
    commands = Map.copyOf(commands);
  }

  private static Map<EventKind, ConfigKey<List<String>>> commandKeys() {
    Map<EventKind, ConfigKey<List<String>>> keys = new EnumMap<>(EventKind.class);
    for (EventKind kind : EventKind.values()) {
      keys.put(
          kind,
          ConfigKey.optional(
              "hooks.commands." + kind.settingName(),
              null,
              ValueType.stringList(),
              List.of(),
              "Shell commands (run by /bin/sh -c) given each " + kind.label()
                  + " event, after the programs in hooks/" + kind.label() + "/."));
    }
    return keys;
  }

  /** {@code hooks.commands.<event>}. */
  public static ConfigKey<List<String>> commandsKey(EventKind kind) {
    return Objects.requireNonNull(COMMANDS.get(kind), kind.settingName());
  }

  public static List<ConfigKey<?>> configKeys() {
    List<ConfigKey<?>> keys =
        new ArrayList<>(List.of(TIMEOUT, MAX_CONCURRENT, MAX_QUEUED, INCLUDE_TEXT));
    keys.addAll(COMMANDS.values());
    return List.copyOf(keys);
  }

  public static HookSettings from(Config config) {
    Map<EventKind, List<String>> commands = new EnumMap<>(EventKind.class);
    COMMANDS.forEach((kind, key) -> {
      List<String> these = config.get(key);
      if (!these.isEmpty()) {
        commands.put(kind, these);
      }
    });
    return new HookSettings(
        config.get(TIMEOUT),
        config.get(MAX_CONCURRENT),
        config.get(MAX_QUEUED),
        config.get(INCLUDE_TEXT),
        commands);
  }

  /** The commands configured for {@code kind}; empty when none. */
  public List<String> commandsFor(EventKind kind) {
    return commands.getOrDefault(kind, List.of());
  }
}
