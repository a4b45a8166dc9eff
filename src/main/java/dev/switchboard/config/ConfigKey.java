package dev.switchboard.config;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One setting: its dotted path in {@code switchboard.yaml}, the environment variable that
 * overrides it (or none), its type, its default, and a one-line description used by
 * docs/configuration.md. A secret's value is never echoed in an error message or a log line.
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

  private static final Pattern PATH = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*");

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
