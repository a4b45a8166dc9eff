package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.lifecycle.PluginCatalog;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No settings record prints a secret. Every record of the main code named {@code *Settings}
 * (nested ones too) is found on the class path. Those the code builds from the configuration
 * (with a static method that takes a {@link Config} and returns the record) are built with
 * every secret setting of every plugin set, and their {@code toString} must show no secret
 * value nor its distinctive core. The few built otherwise are named below with why they hold no
 * secret setting, so that a new one fails this test until someone has looked at it.
 */
class SettingsToStringTest {
  private static final Set<String> NOT_BUILT_FROM_CONFIG = Set.of(
      // Parts of GatewaySettings, which is built from the configuration and checked.
      "dev.switchboard.session.DispatcherSettings",
      "dev.switchboard.session.TurnSettings",
      // The agent command and the names (not values) of the variables it must not see.
      "dev.switchboard.agent.acp.AcpBackend$Settings");

  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path home;

  @Test
  void noSettingsRecordPrintsASecret() throws Exception {
    List<Class<?>> classes = mainClasses();
    Set<Class<?>> settingsRecords = classes.stream()
        .filter(Class::isRecord)
        .filter(c -> c.getSimpleName().endsWith("Settings"))
        .collect(Collectors.toSet());

    ConfigSchema schema = PluginCatalog.discover().schema();
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    List<String> cores = new ArrayList<>();
    for (ConfigKey<?> key : schema.keys()) {
      if (key.secret()) {
        String core = randomCore();
        cores.add(core);
        values.put(key, validSecret(key, core));
      }
    }
    assertThat(cores).as("secret settings in the schema").hasSizeGreaterThanOrEqualTo(7);
    // What a backend needs besides its secrets to build its settings at all.
    values.put(schema.byPath("agent.openai.model").orElseThrow(), "some-model");
    values.put(schema.byPath("platforms.signal.account").orElseThrow(), "+4915112345678");
    values.put(
        schema.byPath("platforms.whatsapp.phone_number_id").orElseThrow(), "106540352242922");
    values.put(schema.byPath("store.url").orElseThrow(), "postgresql://sb@db.internal/sb");
    values.put(schema.byPath("platforms.mattermost.url").orElseThrow(), "https://chat.example.com");
    values.put(
        schema.byPath("platforms.matrix.homeserver").orElseThrow(), "https://matrix.example.org");
    values.put(schema.byPath("platforms.email.address").orElseThrow(), "bot@example.org");
    values.put(schema.byPath("platforms.email.imap_host").orElseThrow(), "imap.example.org");
    values.put(schema.byPath("platforms.email.smtp_host").orElseThrow(), "smtp.example.org");
    Config config = Config.defaults(schema).with(values);

    Map<Class<?>, List<Record>> built = new HashMap<>();
    for (Class<?> c : classes) {
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isStatic(m.getModifiers())
            && !m.isSynthetic()
            && settingsRecords.contains(m.getReturnType())
            && Arrays.asList(m.getParameterTypes()).contains(Config.class)) {
          m.setAccessible(true);
          Object[] args = Arrays.stream(m.getParameterTypes())
              .map(type -> type == Config.class ? config : argument(type))
              .toArray();
          built.computeIfAbsent(m.getReturnType(), k -> new ArrayList<>()).add((Record)
              m.invoke(null, args));
        }
      }
    }
    assertThat(settingsRecords.stream()
            .filter(c -> !built.containsKey(c))
            .map(Class::getName)
            .collect(Collectors.toSet()))
        .as("settings records not built from the configuration")
        .containsExactlyInAnyOrderElementsOf(NOT_BUILT_FROM_CONFIG);

    Set<String> holdingSecrets = new TreeSet<>();
    for (List<Record> records : built.values()) {
      for (Record r : records) {
        String shown = r.toString();
        for (String core : cores) {
          assertThat(shown).as(r.getClass().getName() + ".toString()").doesNotContain(core);
        }
        if (holdsOneOf(r, cores)) {
          holdingSecrets.add(r.getClass().getSimpleName());
        }
      }
    }
    // Otherwise the check above could pass because nothing held a secret at all.
    assertThat(holdingSecrets)
        .contains(
            "TelegramSettings",
            "ApiSettings",
            "OpenAiSettings",
            "DiscordSettings",
            "SlackSettings",
            "MattermostSettings",
            "MatrixSettings",
            "EmailSettings",
            "TranscriptionSettings",
            "SpeechSettings",
            "WhatsAppSettings",
            "PostgresSettings");
  }

  private Object argument(Class<?> type) {
    if (type == Path.class) {
      return home;
    }
    return fail("cannot pass a " + type.getName() + " to a settings factory; teach this test");
  }

  /**
   * A value the key's own validation accepts, around a core found nowhere else. A new secret
   * key with a format of its own fails with a ConfigException naming it: add its form here.
   */
  private static String validSecret(ConfigKey<?> key, String core) {
    return switch (key.path()) {
      case "platforms.telegram.bot_token" -> "123456789:" + core;
      case "platforms.discord.bot_token" -> core + ".GhIjKl." + core.substring(0, 12);
      case "platforms.slack.bot_token" -> "xoxb-1111-" + core;
      case "platforms.slack.app_token" -> "xapp-1-A1-" + core;
      default -> core;
    };
  }

  private static String randomCore() {
    StringBuilder sb = new StringBuilder("Sec");
    for (int i = 0; i < 45; i++) {
      sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return sb.toString();
  }

  private static boolean holdsOneOf(Record r, List<String> cores) throws Exception {
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      c.getAccessor().setAccessible(true);
      String value = String.valueOf(c.getAccessor().invoke(r));
      if (cores.stream().anyMatch(value::contains)) {
        return true;
      }
    }
    return false;
  }

  /** Every class of the main code, from the directory Maven compiled it to. */
  private static List<Class<?>> mainClasses() throws Exception {
    Path root =
        Path.of(Config.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(root.resolve("dev/switchboard"))) {
      names = files
          .map(root::relativize)
          .map(Path::toString)
          .filter(n -> n.endsWith(".class") && !n.endsWith("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .sorted()
          .toList();
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      classes.add(Class.forName(name, false, SettingsToStringTest.class.getClassLoader()));
    }
    return classes;
  }
}
