package dev.switchboard.hooks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole environment a hook starts with: a few variables that carry no secret, copied from
 * the gateway's, plus where the state directory is and which event this is. Nothing else: the
 * gateway's environment holds its tokens, and an allowlist cannot forget one the way a
 * denylist can.
 */
final class HookEnvironment {
  static final List<String> PASSED_ON = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ");
  /** For a gateway started without PATH (a bare service manager): where the usual tools are. */
  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  static final String HOME_VARIABLE = "SWITCHBOARD_HOME";
  static final String EVENT_VARIABLE = "SWITCHBOARD_EVENT";

  private final Map<String, String> base;

  HookEnvironment(Map<String, String> gateway, Path home) {
    Map<String, String> env = new TreeMap<>();
    for (String name : PASSED_ON) {
      String value = gateway.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.put(HOME_VARIABLE, home.toAbsolutePath().toString());
    this.base = Map.copyOf(env);
  }

  /** The environment of a hook run for {@code event}. */
  Map<String, String> forEvent(EventKind event) {
    Map<String, String> env = new TreeMap<>(base);
    env.put(EVENT_VARIABLE, event.label());
    return env;
  }
}
