package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting the gateway knows, from the core and from each discovered platform and agent
 * backend. Loading rejects anything not listed here, so a typo cannot be silently ignored.
 */
public final class ConfigSchema {
  /** How the "known settings" hints show the place of a named section's name. */
  static final String NAME_PLACEHOLDER = "<name>";

  private final Map<String, ConfigKey<?>> byPath;
  private final Map<String, ConfigKey<?>> byEnv;
  private final List<ConfigKey<?>> named;

  private ConfigSchema(Map<String, ConfigKey<?>> byPath, Map<String, ConfigKey<?>> byEnv) {
    this.byPath = byPath;
    this.byEnv = byEnv;
    this.named = byPath.values().stream().filter(ConfigKey::named).toList();
  }

  /** A variable of a named setting, and the name in it in a variable's form ({@code MY_HOOK}). */
  record NamedVariable(ConfigKey<?> key, String envName) {}

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

  /**
   * The key of {@code path}: the key itself, or for a path in a named section ({@code
   * webhooks.routes.github.secret}) the named key ({@code webhooks.routes.*.secret}).
   */
  public Optional<ConfigKey<?>> byPath(String path) {
    ConfigKey<?> key = byPath.get(path);
    if (key != null) {
      return Optional.of(key);
    }
    return named.stream().filter(k -> k.nameIn(path).isPresent()).findFirst();
  }

  public Optional<ConfigKey<?>> byEnv(String env) {
    return Optional.ofNullable(byEnv.get(env));
  }

  /** The named setting whose variable {@code env} is, with the name in it. */
  Optional<NamedVariable> namedByEnv(String env) {
    for (ConfigKey<?> key : named) {
      Optional<String> name = key.envNameIn(env);
      if (name.isPresent()) {
        return Optional.of(new NamedVariable(key, name.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code variable} sets a secret setting, a named one's too ({@code
   * SWITCHBOARD_WEBHOOKS_GITHUB_SECRET}): such a variable is never handed to another program.
   */
  public boolean secretVariable(String variable) {
    return byEnv(variable)
        .or(() -> namedByEnv(variable).map(NamedVariable::key))
        .map(ConfigKey::secret)
        .orElse(false);
  }

  /** The sections that hold named sections, such as {@code webhooks.routes}. */
  Set<String> namedSections() {
    Set<String> sections = new TreeSet<>();
    named.forEach(k -> sections.add(k.namedSection()));
    return sections;
  }

  public Collection<ConfigKey<?>> keys() {
    return byPath.values();
  }

  /** True when {@code path} is a section (a prefix of some key), such as {@code gateway}. */
  public boolean isSection(String path) {
    String[] segments = path.split("\\.", -1);
    return byPath.keySet().stream().anyMatch(p -> under(p.split("\\."), segments));
  }

  /**
   * Whether a key of {@code keySegments} lies under the section of {@code sectionSegments}: a
   * {@code *} in the key stands for any name there.
   */
  private static boolean under(String[] keySegments, String[] sectionSegments) {
    if (keySegments.length <= sectionSegments.length) {
      return false;
    }
    for (int i = 0; i < sectionSegments.length; i++) {
      boolean same = keySegments[i].equals(sectionSegments[i])
          || (keySegments[i].equals("*")
              && ConfigKey.NAME.matcher(sectionSegments[i]).matches());
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /** The keys and subsections directly under a section, for "known keys here are ..." hints. */
  public List<String> childrenOf(String section) {
    String[] sectionSegments = section.isEmpty() ? new String[0] : section.split("\\.", -1);
    TreeSet<String> names = new TreeSet<>();
    for (String p : byPath.keySet()) {
      String[] segments = p.split("\\.");
      if (under(segments, sectionSegments)) {
        String child = segments[sectionSegments.length];
        names.add(child.equals("*") ? NAME_PLACEHOLDER : child);
      }
    }
    return new ArrayList<>(names);
  }

  /** The known path closest to a misspelt one, when it is close enough to be a likely typo. */
  public Optional<String> closest(String path) {
    List<String> candidates = new ArrayList<>();
    String[] segments = path.split("\\.", -1);
    for (ConfigKey<?> key : byPath.values()) {
      if (!key.named()) {
        candidates.add(key.path());
        continue;
      }
      // A named setting is compared in the section the path names, if it names one.
      int at = key.namedSection().split("\\.").length;
      if (segments.length > at && ConfigKey.NAME.matcher(segments[at]).matches()) {
        candidates.add(key.pathFor(segments[at]));
      }
    }
    return closestOf(candidates, path, Math.max(2, path.length() / 6));
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
