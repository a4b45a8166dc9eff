package dev.switchboard.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

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
    requireOwn(key);
    if (key.named()) {
      throw new IllegalArgumentException(key.path() + " is read for a name: get(key, name)");
    }
    Value v = values.get(key.path());
    return v == null ? key.defaultValue() : (T) v.value();
  }

  /**
   * The value of a named setting ({@code webhooks.routes.*.secret}) in the section named {@code
   * name}, else its default; null as {@link #get(ConfigKey)}.
   */
  @SuppressWarnings({"unchecked", "NullAway"})
  public <T> T get(ConfigKey<T> key, String name) {
    requireOwn(key);
    Value v = values.get(key.pathFor(name));
    return v == null ? key.defaultValue() : (T) v.value();
  }

  /** Whether the named setting has a value in the section named {@code name}. */
  public boolean isSet(ConfigKey<?> key, String name) {
    requireOwn(key);
    return values.containsKey(key.pathFor(name));
  }

  /**
   * The names of the named sections under {@code section} ({@code webhooks.routes}) that have a
   * setting, sorted.
   */
  public List<String> names(String section) {
    TreeSet<String> names = new TreeSet<>();
    for (String path : values.keySet()) {
      schema
          .byPath(path)
          .filter(k -> k.named() && k.namedSection().equals(section))
          .flatMap(k -> k.nameIn(path))
          .ifPresent(names::add);
    }
    return List.copyOf(names);
  }

  @SuppressWarnings("ReferenceEquality") // the very key object, as in get
  private void requireOwn(ConfigKey<?> key) {
    Objects.requireNonNull(key, "key");
    // The very key object: an equal key from another schema is not this schema's.
    if (schema.byPath(key.path()).orElse(null) != key) {
      throw new IllegalArgumentException("key not in this configuration's schema: " + key.path());
    }
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
    // By the values' paths: a named secret has one value per name.
    return values.entrySet().stream()
        .filter(e -> schema.byPath(e.getKey()).map(ConfigKey::secret).orElse(false))
        .map(e -> String.valueOf(e.getValue().value()))
        .toList();
  }

  /** A copy with some values replaced, as if they had come from the environment (tests, CLI flags). */
  public Config with(Map<ConfigKey<?>, Object> overrides) {
    Map<String, Value> copy = new HashMap<>(values);
    overrides.forEach((k, v) -> copy.put(k.path(), new Value(v, Origin.ENVIRONMENT)));
    return new Config(schema, copy);
  }
}
