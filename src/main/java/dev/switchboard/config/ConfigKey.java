package dev.switchboard.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One setting: its dotted path in {@code switchboard.yaml}, the environment variable that
 * overrides it (or none), its type, its default, and a one-line description used by
 * docs/configuration.md. A secret's value is never echoed in an error message or a log line.
 *
 * <p>A path may have one {@code *} segment, as in {@code webhooks.routes.*.secret}: a setting
 * of each named section the user writes there ({@code webhooks.routes.github.secret}), names
 * being {@link #NAME}. Its variable then has a {@code *} too, standing for the name in capitals
 * with {@code -} as {@code _} ({@code SWITCHBOARD_WEBHOOKS_*_SECRET}). Read such a setting with
 * {@link Config#get(ConfigKey, String)}.
 *
 * @param defaultValue {@code null} when the setting has no default
 * @param required the gateway refuses to start without a value
 */
public record ConfigKey<T>(
    String path,
    @Nullable String env,
    ValueType<T> type,
    @Nullable T defaultValue,
    boolean required,
    boolean secret,
    String description) {

  private static final Pattern PATH =
      Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?(\\.[a-z][a-z0-9_]*)+");
  private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*(\\*[A-Z0-9_]*)?");

  /** The names of named sections: short, lower case, safe in a path and a URL. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");

  private static final String WILDCARD = ".*.";

  public ConfigKey {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("bad config path " + path);
    }
    if (env != null && !ENV.matcher(env).matches()) {
      throw new IllegalArgumentException("bad env name " + env);
    }
    if (env != null && path.contains(WILDCARD) != env.contains("*")) {
      throw new IllegalArgumentException("a named setting needs a named variable: " + path);
    }
  }

  /** True for a setting of each named section, such as {@code webhooks.routes.*.secret}. */
  public boolean named() {
    return path.contains(WILDCARD);
  }

  /** The section that holds the named sections: {@code webhooks.routes}. */
  public String namedSection() {
    requireNamed();
    return path.substring(0, path.indexOf(WILDCARD));
  }

  /** The path of this setting in the section named {@code name}. */
  public String pathFor(String name) {
    requireNamed();
    return path.replace(WILDCARD, "." + name + ".");
  }

  /** The variable of this setting in the section named {@code name}, or null when none. */
  public @Nullable String envFor(String name) {
    requireNamed();
    return env == null ? null : env.replace("*", envName(name));
  }

  /** A name as it is written in a variable: {@code my-hook} is {@code MY_HOOK}. */
  public static String envName(String name) {
    return name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Where this key can be set for {@code name}, for messages. */
  public String whereFor(String name) {
    String e = envFor(name);
    return e == null ? pathFor(name) : pathFor(name) + " (or " + e + ")";
  }

  /** The name in {@code concretePath} when it is this named setting's path for that name. */
  Optional<String> nameIn(String concretePath) {
    if (!named()) {
      return Optional.empty();
    }
    String prefix = namedSection() + ".";
    String suffix = path.substring(path.indexOf(WILDCARD) + 2);
    if (!concretePath.startsWith(prefix)
        || !concretePath.endsWith(suffix)
        || concretePath.length() <= prefix.length() + suffix.length()) {
      return Optional.empty();
    }
    String name = concretePath.substring(prefix.length(), concretePath.length() - suffix.length());
    return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
  }

  /** The name, in a variable's form ({@code MY_HOOK}), in {@code variable} when it is this one's. */
  Optional<String> envNameIn(String variable) {
    if (env == null || !named()) {
      return Optional.empty();
    }
    int star = env.indexOf('*');
    String prefix = env.substring(0, star);
    String suffix = env.substring(star + 1);
    if (!variable.startsWith(prefix)
        || !variable.endsWith(suffix)
        || variable.length() <= prefix.length() + suffix.length()) {
      return Optional.empty();
    }
    String middle = variable.substring(prefix.length(), variable.length() - suffix.length());
    return middle.matches("[A-Z0-9_]{1,64}") ? Optional.of(middle) : Optional.empty();
  }

  private void requireNamed() {
    if (!named()) {
      throw new IllegalArgumentException(path + " is not a setting of named sections");
    }
  }

  public static <T> ConfigKey<T> optional(
      String path,
      @Nullable String env,
      ValueType<T> type,
      @Nullable T defaultValue,
      String description) {
    return new ConfigKey<>(path, env, type, defaultValue, false, false, description);
  }

  public static ConfigKey<String> secret(
      String path, @Nullable String env, boolean required, String description) {
    return new ConfigKey<>(path, env, ValueType.string(), null, required, true, description);
  }

  /** Where this key can be set, for messages: "gateway.drain_timeout (or SWITCHBOARD_DRAIN_TIMEOUT)". */
  public String where() {
    return env == null ? path : path + " (or " + env + ")";
  }
}
