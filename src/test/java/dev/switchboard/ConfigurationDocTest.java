package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.ValueType;
import dev.switchboard.lifecycle.PluginCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the schema, both ways: every setting the gateway accepts has one
 * row, every row is a setting, and each row's variable, type, default and example agree with
 * the code. A row is {@code | `key` | `VARIABLE` | type | default | `example` | meaning |}.
 */
class ConfigurationDocTest {
  private static final MarkdownDoc DOC = MarkdownDoc.read(Path.of("docs/configuration.md"));
  /** A row's key; {@code *} stands for the name of a named section (webhooks.routes.*.secret). */
  private static final Pattern KEY_CELL =
      Pattern.compile("`([a-z][a-z0-9_]*(?:\\.(?:[a-z][a-z0-9_]*|\\*))+)`");
  /** A setting named in prose; a {@code *} there is a wildcard ({@code tts.*}), not a name. */
  private static final Pattern PROSE_KEY =
      Pattern.compile("`([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)+)`");

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern RANGE = Pattern.compile("between (\\S+) and (\\S+)$");
  /** Backticked names that look like settings but are files: {@code gateway.lock}. */
  private static final Set<String> FILE_ENDINGS =
      Set.of("lock", "log", "json", "jsonl", "db", "yaml", "md", "txt", "plist", "service");
  /**
   * Other names in a setting's shape: Slack's Web API method {@code auth.test}, the hooks'
   * events {@code gateway.started} and {@code gateway.stopping}.
   */
  private static final Set<String> NOT_SETTINGS =
      Set.of("auth.test", "gateway.started", "gateway.stopping");

  private static final ConfigSchema SCHEMA = PluginCatalog.discover().schema();

  /** Settings of shipped plugins; the loopback platform exists only in the tests. */
  private static final Map<String, ConfigKey<?>> SHIPPED = SCHEMA.keys().stream()
      .filter(k -> !k.path().startsWith("platforms.loopback."))
      .collect(Collectors.toMap(ConfigKey::path, Function.identity()));

  private static List<List<String>> settingRows() {
    return DOC.tableRows().stream()
        .filter(cells -> KEY_CELL.matcher(cells.getFirst()).matches())
        .toList();
  }

  private static String unquoted(String cell) {
    Matcher m = KEY_CELL.matcher(cell);
    return m.matches() ? m.group(1) : cell;
  }

  @Test
  void everySettingHasExactlyOneRow() {
    Map<String, Long> rows = settingRows().stream()
        .collect(Collectors.groupingBy(cells -> unquoted(cells.getFirst()), Collectors.counting()));
    assertThat(SHIPPED).isNotEmpty();
    for (String path : SHIPPED.keySet()) {
      assertThat(rows.get(path)).as("rows for " + path).isEqualTo(1L);
    }
  }

  @Test
  void everyRowIsASetting() {
    for (List<String> cells : settingRows()) {
      assertThat(SHIPPED).as("documented setting").containsKey(unquoted(cells.getFirst()));
      assertThat(cells).as("cells of " + cells.getFirst()).hasSize(6);
    }
  }

  @Test
  void eachRowNamesTheVariableTheTypeAndTheDefaultOfItsSetting() {
    for (List<String> cells : settingRows()) {
      ConfigKey<?> key = SHIPPED.get(unquoted(cells.getFirst()));
      if (key == null) {
        continue; // everyRowIsASetting reports it
      }
      assertThat(cells.get(1))
          .as("variable of " + key.path())
          .isEqualTo(key.env() == null ? "none" : "`" + key.env() + "`");
      assertThat(cells.get(2).replace("`", ""))
          .as("type of " + key.path())
          .isEqualTo(typeLabel(key));
      assertDefault(key, cells.get(3));
    }
  }

  @Test
  void eachExampleIsAcceptedByItsSetting() {
    for (List<String> cells : settingRows()) {
      ConfigKey<?> key = SHIPPED.get(unquoted(cells.getFirst()));
      if (key == null) {
        continue;
      }
      Matcher m = CODE.matcher(cells.get(4));
      assertThat(m.matches()).as("example of " + key.path() + " is one `value`").isTrue();
      assertThatCode(() -> key.type().parse(m.group(1)))
          .as("example of " + key.path())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everySettingNamedInTheDocsExists() {
    Set<String> sections = Set.copyOf(SCHEMA.childrenOf(""));
    for (MarkdownDoc doc : MarkdownDoc.all()) {
      for (String line : doc.prose()) {
        Matcher m = PROSE_KEY.matcher(line);
        while (m.find()) {
          String name = m.group(1);
          String first = name.substring(0, name.indexOf('.'));
          String last = name.substring(name.lastIndexOf('.') + 1);
          if (sections.contains(first)
              && !FILE_ENDINGS.contains(last)
              && !NOT_SETTINGS.contains(name)) {
            assertThat(SCHEMA.byPath(name).isPresent() || SCHEMA.isSection(name))
                .as(doc.file() + " names " + name)
                .isTrue();
          }
        }
      }
    }
  }

  /**
   * A default is written as a `value` the setting reads back as its default; a setting without
   * one (or with an empty list) is described in words, never with a value it does not have.
   */
  private static void assertDefault(ConfigKey<?> key, String cell) {
    Object defaultValue = key.defaultValue();
    boolean none = defaultValue == null || defaultValue instanceof List<?> l && l.isEmpty();
    Matcher m = CODE.matcher(cell);
    boolean literal = m.lookingAt();
    assertThat(literal)
        .as("default of " + key.path() + " is " + (none ? "words" : "a `value`"))
        .isEqualTo(!none);
    if (literal) {
      assertThat((Object) key.type().parse(m.group(1)))
          .as("default of " + key.path())
          .isEqualTo(defaultValue);
    }
  }

  /** How the Type column names a setting's type: "duration, 0s to 1h", "one of a, b", ... */
  private static String typeLabel(ConfigKey<?> key) {
    ValueType<?> type = key.type();
    return switch (type) {
      case ValueType.DurationType t -> "duration, " + range(t);
      case ValueType.IntegerType t -> "integer, " + range(t);
      case ValueType.DecimalType t -> "decimal, " + range(t);
      case ValueType.BooleanType t -> "boolean";
      case ValueType.StringType t -> key.secret() ? "secret text" : "text";
      case ValueType.StringListType t -> "list";
      case ValueType.ChoiceType<?> t -> t.expected();
      default -> {
        assertThat(type.getClass().getSimpleName())
            .as("a type the doc has a name for")
            .isIn("CommandLineType", "ZoneType");
        yield type.getClass().getSimpleName().equals("ZoneType") ? "time zone" : "command line";
      }
    };
  }

  private static String range(ValueType<?> type) {
    Matcher m = RANGE.matcher(type.expected());
    assertThat(m.find()).as("range in '" + type.expected() + "'").isTrue();
    return m.group(1) + " to " + m.group(2);
  }
}
