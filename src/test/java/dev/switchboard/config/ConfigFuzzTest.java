package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing of the configuration: {@code switchboard.yaml} (any text: mutated valid settings,
 * YAML's own odd corners, garbage), {@code .env} (any lines, any bytes) and the process
 * environment through {@link ConfigLoader#load} with the gateway's whole schema. The
 * documented outcome: a {@link Config}, or a {@link ConfigException} with a message (exit 78);
 * never another exception, and the files are left as they were.
 */
@AddLifecycleHook(FuzzTries.class)
class ConfigFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ConfigSchema SCHEMA = PluginCatalog.discover().schema();

  /** Valid as YAML too: YAML 1.2 reads JSON. */
  static final JsonNode SETTINGS = JSON.readTree("""
      {"gateway": {"drain_timeout": "30s", "busy_policy": "queue", "max_queued_messages": "10"},
       "agent": {"backend": "echo", "history_messages": "20"},
       "auth": {"allow_all_users": "true", "allowed_users": ["42", "ann"]},
       "http": {"host": "127.0.0.1", "port": "8080"},
       "logging": {"level": "info"}}
      """);

  private static @Nullable Path home;

  @BeforeContainer
  static void makeHome() throws IOException {
    home = Files.createTempDirectory("config-fuzz");
  }

  @AfterContainer
  static void removeHome() throws IOException {
    if (home != null) {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Path home() {
    assertThat(home).isNotNull();
    return home;
  }

  @Provide
  Arbitrary<String> yamlTexts() {
    Arbitrary<String> yamlCorners = Arbitraries.of(
        "a: &x [*x]\n",
        "gateway: &g {drain_timeout: 1s}\nagent: *g\n",
        "x: &a [1,1,1,1,1,1,1,1,1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
        "gateway:\n\tdrain_timeout: 1s\n",
        "gateway: {drain_timeout: !!binary aGVsbG8=}\n",
        "gateway: !!java.lang.Runtime {}\n",
        "? [a, b]\n: c\n",
        "? {a: 1}\n: c\n",
        "---\ngateway: {}\n---\nagent: {}\n",
        "gateway:\n  drain_timeout: 1s\ngateway:\n  drain_timeout: 2s\n",
        "gateway.drain_timeout: 1s\ngateway:\n  drain_timeout: 2s\n",
        "- a\n- b\n",
        "just text\n",
        "gateway: ~\nagent: null\nhttp:\n",
        "http: {port: 99999999999999999999999}\n",
        "http: {port: 0x1F90}\n",
        "gateway: {drain_timeout: [1, 2]}\n",
        "gateway: {drain_timeout: {a: b}}\n",
        "\uFEFFgateway: {}\n",
        "%YAML 1.1\n---\na: b\n",
        "%TAG ! tag:x,2000:\n---\na: !b c\n",
        "a: \"\\uD800\"\n",
        "a: |\n  x\n b\n",
        "[".repeat(2_000),
        "a:\n" + "  - \n".repeat(500));
    return Arbitraries.oneOf(
        Fuzz.textInsteadOf(SETTINGS),
        yamlCorners,
        Combinators.combine(yamlCorners, Fuzz.garbage()).as((a, b) -> a + b),
        Fuzz.garbage());
  }

  @Property(tries = 200)
  void anySwitchboardYamlIsAConfigOrAConfigException(@ForAll("yamlTexts") String yaml)
      throws Exception {
    write(ConfigLoader.YAML_FILE, yaml.getBytes(StandardCharsets.UTF_8));
    write(ConfigLoader.DOTENV_FILE, new byte[0]);

    assertLoadsOrFailsClearly(Map.of());
  }

  @Provide
  Arbitrary<List<String>> dotenvLines() {
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.of(
            SCHEMA.keys().stream().map(ConfigKey::env).filter(e -> e != null).toList()),
        Arbitraries.of(
            "SWITCHBOARD_NOPE", "PATH", "export X", "1BAD", "", " ", "A-B", "SWITCHBOARD_HOME"),
        Fuzz.oddStrings());
    Arbitrary<String> values = Arbitraries.oneOf(
        Fuzz.oddStrings(),
        Arbitraries.of(
            "'quoted'", "\"dq \\\" \\n\"", "'open", "\"open", "\"a\" tail", "x # c", "#c", "\\"));
    Arbitrary<String> line = Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.of("", "export ", "  "),
                names,
                Arbitraries.of("=", " = ", "=="),
                values)
            .as((e, n, eq, v) -> e + n + eq + v),
        Arbitraries.of("# comment", "", "   ", "=", "NAME"),
        Fuzz.oddStrings());
    return line.list().ofMaxSize(8);
  }

  @Property(tries = 200)
  void anyDotEnvIsAConfigOrAConfigException(@ForAll("dotenvLines") List<String> lines)
      throws Exception {
    write(ConfigLoader.YAML_FILE, new byte[0]);
    write(ConfigLoader.DOTENV_FILE, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));

    assertLoadsOrFailsClearly(Map.of());
  }

  @Property(tries = 200)
  void anyDotEnvBytesAreAConfigOrAConfigException(@ForAll("dotenvBytes") byte[] bytes)
      throws Exception {
    write(ConfigLoader.YAML_FILE, new byte[0]);
    write(ConfigLoader.DOTENV_FILE, bytes);

    assertLoadsOrFailsClearly(Map.of());
  }

  @Provide
  Arbitrary<byte[]> dotenvBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  @Provide
  Arbitrary<Map<String, String>> environments() {
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.of(
            SCHEMA.keys().stream().map(ConfigKey::env).filter(e -> e != null).toList()),
        Arbitraries.of("SWITCHBOARD_", "SWITCHBOARD_X", "SWITCHBOARD_HOME"));
    return Arbitraries.maps(names, Fuzz.oddStrings()).ofMaxSize(6);
  }

  @Property(tries = 150)
  void anyEnvironmentIsAConfigOrAConfigException(@ForAll("environments") Map<String, String> env)
      throws Exception {
    write(ConfigLoader.YAML_FILE, new byte[0]);
    write(ConfigLoader.DOTENV_FILE, new byte[0]);

    assertLoadsOrFailsClearly(env);
  }

  @Property(tries = 100)
  void theValidSettingsStillLoad(@ForAll("allowedUsers") List<String> users) throws Exception {
    JsonNode settings = SETTINGS.deepCopy();
    var list =
        ((tools.jackson.databind.node.ObjectNode) settings.path("auth")).putArray("allowed_users");
    users.forEach(list::add);
    write(ConfigLoader.YAML_FILE, settings.toString().getBytes(StandardCharsets.UTF_8));
    write(ConfigLoader.DOTENV_FILE, new byte[0]);

    Config config = new ConfigLoader(SCHEMA).load(home(), Map.of());

    assertThat(config.get(CoreKeys.ALLOWED_USERS)).containsExactlyElementsOf(users);
  }

  @Provide
  Arbitrary<List<String>> allowedUsers() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .ofMinLength(1)
        .ofMaxLength(12)
        .list()
        .ofMaxSize(5);
  }

  private static void write(String name, byte[] content) {
    try {
      Files.write(home().resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertLoadsOrFailsClearly(Map<String, String> env) throws Exception {
    byte[] yamlBefore = Files.readAllBytes(home().resolve(ConfigLoader.YAML_FILE));
    byte[] dotenvBefore = Files.readAllBytes(home().resolve(ConfigLoader.DOTENV_FILE));
    try {
      Config config = Fuzz.within(() -> new ConfigLoader(SCHEMA).load(home(), env));
      assertThat(config).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    assertThat(Files.readAllBytes(home().resolve(ConfigLoader.YAML_FILE))).isEqualTo(yamlBefore);
    assertThat(Arrays.equals(
            Files.readAllBytes(home().resolve(ConfigLoader.DOTENV_FILE)), dotenvBefore))
        .isTrue();
  }
}
