package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Every setting the gateway knows, from the core and from each discovered platform and agent
 * backend. Loading rejects anything not listed here, so a typo cannot be silently ignored.
 */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> byPath;
  private final Map<String, ConfigKey<?>> byEnv;

  private ConfigSchema(Map<String, ConfigKey<?>> byPath, Map<String, ConfigKey<?>> byEnv) {
    this.byPath = byPath;
    this.byEnv = byEnv;
  }

  public static ConfigSchema of(Collection<? extends ConfigKey<?>> keys) {
    Map<String, ConfigKey<?>> byPath = new LinkedHashMap<>();
    Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys) {
      if (byPath.putIfAbsent(key.path(), key) != null) {
        throw new IllegalArgumentException("config key declared twice: " + key.path());
      }
      if (key.env() != null && byEnv.putIfAbsent(key.env(), key) != null) {
        throw new IllegalArgumentException("environment variable declared twice: " + key.env());
      }
    }
    for (String path : byPath.keySet()) {
      for (String other : byPath.keySet()) {
        if (other.startsWith(path + ".")) {
          throw new IllegalArgumentException(path + " is both a setting and a section");
        }
      }
    }
    return new ConfigSchema(
        Collections.unmodifiableMap(byPath), Collections.unmodifiableMap(byEnv));
  }

  public Optional<ConfigKey<?>> byPath(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  public Optional<ConfigKey<?>> byEnv(String env) {
    return Optional.ofNullable(byEnv.get(env));
  }

  public Collection<ConfigKey<?>> keys() {
    return byPath.values();
  }

  /** True when {@code path} is a section (a prefix of some key), such as {@code gateway}. */
  public boolean isSection(String path) {
    String prefix = path + ".";
    return byPath.keySet().stream().anyMatch(p -> p.startsWith(prefix));
  }

  /** The keys and subsections directly under a section, for "known keys here are ..." hints. */
  public List<String> childrenOf(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    TreeSet<String> names = new TreeSet<>();
    for (String p : byPath.keySet()) {
      if (p.startsWith(prefix)) {
        String rest = p.substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return new ArrayList<>(names);
  }

  /** The known path closest to a misspelt one, when it is close enough to be a likely typo. */
  public Optional<String> closest(String path) {
    return closestOf(byPath.keySet(), path, Math.max(2, path.length() / 6));
  }

  /** The known environment variable closest to a misspelt one, if it is a likely typo. */
  public Optional<String> closestEnv(String name) {
    return closestOf(byEnv.keySet(), name, 3);
  }

  private static Optional<String> closestOf(
      Collection<String> candidates, String target, int allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = editDistance(target, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
