package dev.switchboard.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolved settings: each key's typed value and where it came from. Immutable; read it with
 * {@link #get}, which falls back to the key's default.
 */
public final class Config {
  /** Where a value came from, for messages and for {@code switchboard status}. */
  public enum Origin {
    DEFAULT("default"),
    YAML("switchboard.yaml"),
    DOTENV(".env"),
    ENVIRONMENT("environment");

    private final String label;

    Origin(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  record Value(Object value, Origin origin) {}

  private final ConfigSchema schema;
  private final Map<String, Value> values;

  Config(ConfigSchema schema, Map<String, Value> values) {
    this.schema = schema;
    this.values = Map.copyOf(values);
  }

  /** Settings with nothing but defaults, for tests and for code paths with no state directory. */
  public static Config defaults(ConfigSchema schema) {
    return new Config(schema, Map.of());
  }

  public ConfigSchema schema() {
    return schema;
  }

  /**
   * The key's value, else its default: null for a key with neither, one declared with a null
   * default, whose readers check for it.
   */
  // NullAway cannot follow that: it would need ConfigKey<@Nullable String> on every key without
  // a default, and a ValueType to match.
  @SuppressWarnings({"unchecked", "NullAway", "ReferenceEquality"})
  public <T> T get(ConfigKey<T> key) {
    Objects.requireNonNull(key, "key");
    // The very key object: an equal key from another schema is not this schema's.
    if (schema.byPath(key.path()).orElse(null) != key) {
      throw new IllegalArgumentException("key not in this configuration's schema: " + key.path());
    }
    Value v = values.get(key.path());
    return v == null ? key.defaultValue() : (T) v.value();
  }

  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key.path());
  }

  public Origin origin(ConfigKey<?> key) {
    Value v = values.get(key.path());
    return v == null ? Origin.DEFAULT : v.origin();
  }

  /** The values of the secret keys that are set, so that logging can mask them. */
  public List<String> secretValues() {
    return schema.keys().stream()
        .filter(ConfigKey::secret)
        .map(k -> values.get(k.path()))
        .filter(Objects::nonNull)
        .map(v -> String.valueOf(v.value()))
        .toList();
  }

  /** A copy with some values replaced, as if they had come from the environment (tests, CLI flags). */
  public Config with(Map<ConfigKey<?>, Object> overrides) {
    Map<String, Value> copy = new HashMap<>(values);
    overrides.forEach((k, v) -> copy.put(k.path(), new Value(v, Origin.ENVIRONMENT)));
    return new Config(schema, copy);
  }
}
