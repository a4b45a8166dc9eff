package dev.switchboard.config;

import dev.switchboard.config.Config.Origin;
import dev.switchboard.config.Config.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

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
      "SWITCHBOARD_HOME",
      "SWITCHBOARD_JAVA_OPTS",
      "SWITCHBOARD_JAVA_HOME",
      "SWITCHBOARD_SKIP_BUILD",
      "SWITCHBOARD_AOT",
      "SWITCHBOARD_RELAUNCHED_FROM");

  /**
   * YAML 1.2 with the failsafe schema: every scalar stays the text that was written and the
   * setting's own type decides what it means, so {@code 0123} keeps its zero, {@code 1.50} its
   * spelling, and a number too big for a machine integer is text that its type rejects by name.
   */
  private static final LoadSettings YAML_SETTINGS = LoadSettings.builder()
      .setLabel(YAML_FILE)
      .setSchema(new TextSchema())
      .setAllowDuplicateKeys(false)
      .setMaxAliasesForCollections(20)
      .setCodePointLimit(1 << 20)
      .build();

  /**
   * The failsafe schema plus YAML's nulls: a key with nothing after it, {@code ~} or {@code
   * null} is "no value" (reported as such by name) rather than a parse failure or the text
   * "null"; every other scalar stays text.
   */
  private static final class TextSchema extends FailsafeSchema {
    private static final Pattern NULL = Pattern.compile("|~|null|Null|NULL");

    @Override
    public ScalarResolver getScalarResolver() {
      ScalarResolver failsafe = super.getScalarResolver();
      return (value, implicit) ->
          implicit && NULL.matcher(value).matches() ? Tag.NULL : failsafe.resolve(value, implicit);
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
      Map<Tag, ConstructNode> constructors = new HashMap<>(super.getSchemaTagConstructors());
      constructors.put(Tag.NULL, node -> null);
      return constructors;
    }
  }

  /** Far beyond what any setting needs (a section, a key, a list), far below a deep stack. */
  static final int MAX_DEPTH = 50;

  private final ConfigSchema schema;
  private final List<String> warnings = new ArrayList<>();
  /** The named sections found, by the section that holds them: webhooks.routes → github. */
  private final Map<String, Set<String>> names = new HashMap<>();

  public ConfigLoader(ConfigSchema schema) {
    this.schema = schema;
  }

  /** Things worth a log line that do not stop the gateway, such as an unknown SWITCHBOARD_ variable. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public Config load(Path home, Map<String, String> environment) {
    warnings.clear();
    names.clear();
    Map<String, Raw> raw = new LinkedHashMap<>();
    readYaml(home.resolve(YAML_FILE), raw);
    readEnvironment(DotEnvFile.read(home.resolve(DOTENV_FILE)), Origin.DOTENV, raw);
    Map<String, DotEnvFile.Entry> env = new LinkedHashMap<>();
    environment.forEach((k, v) -> env.put(k, new DotEnvFile.Entry(v, 0)));
    readEnvironment(env, Origin.ENVIRONMENT, raw);

    Map<String, Value> values = new LinkedHashMap<>();
    for (Map.Entry<String, Raw> e : raw.entrySet()) {
      ConfigKey<?> key = schema.byPath(e.getKey()).orElseThrow();
      values.put(e.getKey(), new Value(parse(key, e.getValue()), e.getValue().origin()));
    }
    for (ConfigKey<?> key : schema.keys()) {
      if (key.named()) {
        for (String name : names.getOrDefault(key.namedSection(), Set.of())) {
          if (key.required()
              && !values.containsKey(key.pathFor(name))
              && key.defaultValue() == null) {
            String variable = key.envFor(name);
            throw new ConfigException(
                key.pathFor(name),
                "missing required setting; set it in " + YAML_FILE
                    + (variable == null ? "" : " or as " + variable));
          }
        }
      } else if (key.required() && !values.containsKey(key.path()) && key.defaultValue() == null) {
        throw new ConfigException(
            key.path(),
            "missing required setting; set it in " + YAML_FILE
                + (key.env() == null ? "" : " or as " + key.env()));
      }
    }
    return new Config(schema, values);
  }

  /**
   * A value as found: the name to blame it on (a key path or a variable) and, for .env, where.
   */
  private record Raw(Object value, Origin origin, String blame, String where) {}

  private static Object parse(ConfigKey<?> key, Raw raw) {
    if (raw.value() == null || "".equals(raw.value())) {
      throw new ConfigException(
          raw.blame(),
          "no value given" + raw.where() + "; expected " + key.type().expected());
    }
    try {
      return key.type().parse(raw.value());
    } catch (IllegalArgumentException e) {
      String got = key.secret() ? "" : " (" + e.getMessage() + ")";
      throw new ConfigException(
          raw.blame(), "expected " + key.type().expected() + got + raw.where());
    }
  }

  private void readYaml(Path file, Map<String, Raw> out) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new ConfigException(
          null,
          "cannot read " + file + ": " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    Object root;
    try {
      requireShallow(text);
      root = new Load(YAML_SETTINGS).loadFromString(text);
    } catch (MarkedYamlEngineException e) {
      // Problem, context and marks only: the full message quotes the line, maybe a secret.
      String where = e.getProblemMark().map(ConfigLoader::position).orElse("");
      String problem = e.getProblem() == null ? "syntax error" : e.getProblem().strip();
      String context = e.getContext() == null || e.getContextMark().isEmpty()
          ? ""
          : " (" + e.getContext().strip() + " that starts"
              + position(e.getContextMark().get()) + ")";
      throw new ConfigException(
          null, YAML_FILE + " is not valid YAML" + where + ": " + problem + context);
    } catch (YamlEngineException e) {
      throw new ConfigException(
          null, YAML_FILE + " is not valid YAML: " + firstLine(e.getMessage()));
    }
    if (root == null) {
      return;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException(
          null,
          YAML_FILE + " must be a mapping of settings such as" + " 'gateway:', got "
              + describe(root));
    }
    walk("", map, out);
  }

  /**
   * Refuses a file nested deeper than {@value #MAX_DEPTH} levels before it is composed: the
   * composer recurses once per level, so a file of a few thousand {@code [} would otherwise end
   * the start with a StackOverflowError instead of a configuration error. The parser that
   * counts the levels does not recurse.
   */
  private static void requireShallow(String text) {
    int depth = 0;
    for (Event e : new Parse(YAML_SETTINGS).parseString(text)) {
      switch (e.getEventId()) {
        case MappingStart, SequenceStart -> {
          if (++depth > MAX_DEPTH) {
            throw new ConfigException(
                null,
                YAML_FILE + " is nested more than " + MAX_DEPTH + " levels deep"
                    + e.getStartMark().map(ConfigLoader::position).orElse("")
                    + "; settings need at most a few");
          }
        }
        case MappingEnd, SequenceEnd -> depth--;
        default -> {}
      }
    }
  }

  private void walk(String prefix, Map<?, ?> node, Map<String, Raw> out) {
    for (Map.Entry<?, ?> field : node.entrySet()) {
      String name = String.valueOf(field.getKey());
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      Object value = field.getValue();
      Optional<ConfigKey<?>> key = schema.byPath(path);
      if (key.isPresent()) {
        if (value instanceof Map<?, ?>) {
          throw new ConfigException(
              path, "expected " + key.get().type().expected() + ", got a mapping");
        }
        key.get()
            .nameIn(path)
            .ifPresent(n -> names
                .computeIfAbsent(key.get().namedSection(), k -> new TreeSet<>())
                .add(n));
        if (out.put(path, new Raw(value, Origin.YAML, path, "")) != null) {
          throw new ConfigException(
              path, "set twice in " + YAML_FILE + " (nested and as a dotted key?)");
        }
      } else if (schema.isSection(path)) {
        if (schema.namedSections().contains(prefix)) {
          names.computeIfAbsent(prefix, k -> new TreeSet<>()).add(name);
        }
        if (value == null) {
          continue; // an empty section, such as "gateway:" with nothing under it
        }
        if (!(value instanceof Map<?, ?> section)) {
          throw new ConfigException(
              path,
              "expected a mapping with settings (" + String.join(", ", schema.childrenOf(path))
                  + "), got " + describe(value));
        }
        walk(path, section, out);
      } else {
        throw unknown(path, prefix);
      }
    }
  }

  private ConfigException unknown(String path, String section) {
    Optional<String> close = schema.closest(path);
    if (close.isPresent()) {
      return new ConfigException(
          path, "unknown setting in " + YAML_FILE + "; did you mean '" + close.get() + "'?");
    }
    List<String> known = schema.childrenOf(section);
    if (known.contains(ConfigSchema.NAME_PLACEHOLDER)) {
      return new ConfigException(
          path, "the names under '" + section + "' are 1 to 64 characters of a-z, 0-9, _ and -");
    }
    String leaf = path.substring(path.lastIndexOf('.') + 1);
    Optional<String> closeSibling = known.stream()
        .filter(k -> ConfigSchema.editDistance(leaf, k) <= Math.max(2, leaf.length() / 4))
        .findFirst();
    if (closeSibling.isPresent()) {
      String suggestion =
          section.isEmpty() ? closeSibling.get() : section + "." + closeSibling.get();
      return new ConfigException(
          path,
          "unknown " + (section.isEmpty() ? "section" : "setting") + " in " + YAML_FILE
              + "; did you mean '" + suggestion + "'?");
    }
    return new ConfigException(
        path,
        "unknown setting in " + YAML_FILE + "; known "
            + (section.isEmpty() ? "sections" : "settings under '" + section + "'") + ": "
            + String.join(", ", known));
  }

  private void readEnvironment(
      Map<String, DotEnvFile.Entry> vars, Origin origin, Map<String, Raw> out) {
    for (Map.Entry<String, DotEnvFile.Entry> e : vars.entrySet()) {
      String name = e.getKey();
      Optional<ConfigKey<?>> key = schema.byEnv(name);
      String where = origin == Origin.DOTENV
          ? " (in " + DOTENV_FILE + " line " + e.getValue().line() + ")"
          : "";
      Optional<ConfigSchema.NamedVariable> named = schema.namedByEnv(name);
      if (key.isPresent()) {
        out.put(key.get().path(), new Raw(e.getValue().value(), origin, name, where));
      } else if (named.isPresent()) {
        ConfigKey<?> namedKey = named.get().key();
        String section = namedKey.namedSection();
        Set<String> known = names.computeIfAbsent(section, k -> new TreeSet<>());
        // The section the YAML named so (my-hook for MY_HOOK), else the name in lower case.
        String sectionName = known.stream()
            .filter(n -> ConfigKey.envName(n).equals(named.get().envName()))
            .findFirst()
            .orElse(named.get().envName().toLowerCase(Locale.ROOT));
        known.add(sectionName);
        out.put(namedKey.pathFor(sectionName), new Raw(e.getValue().value(), origin, name, where));
      } else if (name.startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(name)) {
        String hint =
            schema.closestEnv(name).map(n -> "; did you mean " + n + "?").orElse("");
        if (origin == Origin.DOTENV) {
          throw new ConfigException(
              name,
              "unknown setting in " + DOTENV_FILE + " line " + e.getValue().line() + hint);
        }
        // The process environment is shared with other programs, so a stray variable there is
        // worth a warning, not a refusal to start.
        warnings.add("ignoring unknown environment variable " + name + hint);
      }
    }
  }

  private static String position(Mark m) {
    return " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
  }

  // Says what kind of value was found, never the value: it may be a secret in the wrong place.
  private static String describe(Object value) {
    return value instanceof List<?> ? "a list" : "a single value";
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
