package dev.switchboard.config;

import dev.switchboard.config.Config.Origin;
import dev.switchboard.config.Config.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds a {@link Config} from, lowest precedence first: the keys' defaults, {@code
 * switchboard.yaml} in the state directory, {@code .env} in the state directory, and the process
 * environment. Every problem is a {@link ConfigException} naming the key; nothing is half-applied.
 */
public final class ConfigLoader {
  public static final String YAML_FILE = "switchboard.yaml";
  public static final String DOTENV_FILE = ".env";
  static final String ENV_PREFIX = "SWITCHBOARD_";

  /** Our variables that are not settings: read by the launcher or the CLI before any config. */
  static final Set<String> NOT_SETTINGS = Set.of(
      "SWITCHBOARD_HOME", "SWITCHBOARD_JAVA_OPTS", "SWITCHBOARD_JAVA_HOME",
      "SWITCHBOARD_SKIP_BUILD");

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private final ConfigSchema schema;
  private final List<String> warnings = new ArrayList<>();

  public ConfigLoader(ConfigSchema schema) {
    this.schema = schema;
  }

  /** Things worth a log line that do not stop the gateway, such as an unknown SWITCHBOARD_ variable. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public Config load(Path home, Map<String, String> environment) {
    Map<String, Raw> raw = new LinkedHashMap<>();
    readYaml(home.resolve(YAML_FILE), raw);
    readEnvironment(DotEnvFile.read(home.resolve(DOTENV_FILE)), Origin.DOTENV, raw);
    Map<String, DotEnvFile.Entry> env = new LinkedHashMap<>();
    environment.forEach((k, v) -> env.put(k, new DotEnvFile.Entry(v, 0)));
    readEnvironment(env, Origin.ENVIRONMENT, raw);

    Map<String, Value> values = new LinkedHashMap<>();
    for (Map.Entry<String, Raw> e : raw.entrySet()) {
      ConfigKey<?> key = schema.byPath(e.getKey()).orElseThrow();
      values.put(key.path(), new Value(parse(key, e.getValue()), e.getValue().origin()));
    }
    for (ConfigKey<?> key : schema.keys()) {
      if (key.required() && !values.containsKey(key.path()) && key.defaultValue() == null) {
        throw new ConfigException(key.path(), "missing required setting; set it in "
            + YAML_FILE + (key.env() == null ? "" : " or as " + key.env()));
      }
    }
    return new Config(schema, values);
  }

  private record Raw(Object value, Origin origin, String source) {}

  private static Object parse(ConfigKey<?> key, Raw raw) {
    String name = raw.origin() == Origin.YAML ? key.path() : raw.source();
    if (raw.value() == null) {
      throw new ConfigException(name, "no value given; expected " + key.type().expected());
    }
    try {
      return key.type().parse(raw.value());
    } catch (IllegalArgumentException e) {
      String got = key.secret() ? "" : " (" + e.getMessage() + ")";
      throw new ConfigException(name, "expected " + key.type().expected() + got);
    }
  }

  private void readYaml(Path file, Map<String, Raw> out) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JacksonException e) {
      throw new ConfigException(null, YAML_FILE + " is not valid YAML" + where(e.getLocation())
          + ": " + firstLine(e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException(null, YAML_FILE + " must be a mapping of settings such as"
          + " 'gateway:', got " + describe(root));
    }
    walk("", root, out);
  }

  private void walk(String prefix, JsonNode node, Map<String, Raw> out) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      Optional<ConfigKey<?>> key = schema.byPath(path);
      if (key.isPresent()) {
        if (value.isObject()) {
          throw new ConfigException(path, "expected " + key.get().type().expected()
              + ", got a mapping");
        }
        out.put(path, new Raw(toJava(value), Origin.YAML, YAML_FILE));
      } else if (schema.isSection(path)) {
        if (value.isNull()) {
          continue;
        }
        if (!value.isObject()) {
          throw new ConfigException(path, "expected a mapping with settings ("
              + String.join(", ", schema.childrenOf(path)) + "), got " + describe(value));
        }
        walk(path, value, out);
      } else {
        throw unknown(path, prefix);
      }
    }
  }

  private ConfigException unknown(String path, String section) {
    Optional<String> close = schema.closest(path);
    if (close.isPresent()) {
      return new ConfigException(path, "unknown setting in " + YAML_FILE + "; did you mean '"
          + close.get() + "'?");
    }
    List<String> known = schema.childrenOf(section);
    return new ConfigException(path, "unknown setting in " + YAML_FILE + "; known "
        + (section.isEmpty() ? "sections" : "settings under '" + section + "'") + ": "
        + String.join(", ", known));
  }

  private void readEnvironment(Map<String, DotEnvFile.Entry> vars, Origin origin,
      Map<String, Raw> out) {
    for (Map.Entry<String, DotEnvFile.Entry> e : vars.entrySet()) {
      String name = e.getKey();
      Optional<ConfigKey<?>> key = schema.byEnv(name);
      String source = origin == Origin.DOTENV
          ? DOTENV_FILE + " line " + e.getValue().line() + " " + name : name;
      if (key.isPresent()) {
        out.put(key.get().path(), new Raw(e.getValue().value(), origin, source));
      } else if (name.startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(name)) {
        String hint = closestEnv(name).map(n -> "; did you mean " + n + "?").orElse("");
        if (origin == Origin.DOTENV) {
          throw new ConfigException(name, "unknown setting in " + DOTENV_FILE + " line "
              + e.getValue().line() + hint);
        }
        // The process environment is shared with other programs, so a stray variable there is
        // worth a warning, not a refusal to start.
        warnings.add("ignoring unknown environment variable " + name + hint);
      }
    }
  }

  private Optional<String> closestEnv(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKey<?> k : schema.keys()) {
      if (k.env() != null) {
        int d = ConfigSchema.editDistance(name, k.env());
        if (d < bestDistance) {
          bestDistance = d;
          best = k.env();
        }
      }
    }
    return bestDistance <= 3 ? Optional.of(best) : Optional.empty();
  }

  private static Object toJava(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.values().forEach(n -> list.add(toJava(n)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(p -> map.put(p.getKey(), toJava(p.getValue())));
      return map;
    }
    return node.asString();
  }

  private static String describe(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "true/false";
    }
    return "a text value";
  }

  private static String where(TokenStreamLocation loc) {
    if (loc == null || loc.getLineNr() <= 0) {
      return "";
    }
    return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  // The YAML parser's later lines quote the offending line, which may hold a secret.
  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
