package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSchemaTest {
  private final ConfigSchema schema = TestKeys.schema();

  private static ConfigKey<String> text(String path, String env) {
    return ConfigKey.optional(path, env, ValueType.string(), null, "test");
  }

  @Test
  void childrenOfRootAreTheSortedTopLevelSections() {
    assertThat(schema.childrenOf(""))
        .containsExactly(
            "agent", "auth", "gateway", "http", "logging", "send", "service", "store", "telegram");
  }

  @Test
  void childrenOfASectionAreItsSortedSettingNames() {
    assertThat(schema.childrenOf("gateway"))
        .containsExactly(
            "busy_policy",
            "connect_timeout",
            "disconnect_timeout",
            "drain_timeout",
            "group_sessions_per_user",
            "max_queued_messages",
            "reconnect",
            "service_manager",
            "shutdown_grace");
    assertThat(schema.childrenOf("telegram")).containsExactly("allowed_users", "pin", "token");
  }

  @Test
  void childrenOfListsSubsectionsOnceByTheirOwnName() {
    ConfigSchema nested = ConfigSchema.of(List.of(
        text("platform.telegram.token", null),
        text("platform.telegram.chat", null),
        text("platform.slack.token", null),
        text("platform.debug", null)));

    assertThat(nested.childrenOf("platform")).containsExactly("debug", "slack", "telegram");
    assertThat(nested.childrenOf("platform.telegram")).containsExactly("chat", "token");
  }

  @Test
  void childrenOfUnknownSectionIsEmpty() {
    assertThat(schema.childrenOf("nope")).isEmpty();
  }

  @Test
  void childrenOfDoesNotConfuseASectionWithAPrefixOfItsName() {
    ConfigSchema s = ConfigSchema.of(List.of(text("gate.a", null), text("gateway.b", null)));

    assertThat(s.childrenOf("gate")).containsExactly("a");
  }

  @Test
  void isSectionIsTrueOnlyForProperPrefixes() {
    assertThat(schema.isSection("gateway")).isTrue();
    assertThat(schema.isSection("gateway.drain_timeout")).isFalse();
    assertThat(schema.isSection("gate")).isFalse();
    assertThat(schema.isSection("")).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource({
    "gateway.drain_timout, gateway.drain_timeout",
    "gateway.drian_timeout, gateway.drain_timeout",
    "gateway.drain-timeout, gateway.drain_timeout",
    "gateway.busy_polcy, gateway.busy_policy",
    "agent.backnd, agent.backend",
    "logging.levle, logging.level",
    "gateways.drain_timeout, gateway.drain_timeout",
    "telegram.tokn, telegram.token",
  })
  void closestFindsTheLikelyTypo(String typo, String expected) {
    assertThat(schema.closest(typo)).contains(expected);
  }

  @Test
  void closestOfAnExactPathIsThePathItself() {
    assertThat(schema.closest("gateway.shutdown_grace")).contains("gateway.shutdown_grace");
  }

  @Test
  void closestGivesNothingForUnrelatedNames() {
    assertThat(schema.closest("gateway.colour")).isEmpty();
    assertThat(schema.closest("something.else.entirely")).isEmpty();
  }

  @Test
  void closestAllowsMoreEditsForLongerPaths() {
    // 20 characters allow 3 edits; this is 3 away
    assertThat(schema.closest("gateway.conect_timot")).contains("gateway.connect_timeout");
    // short path: only 2 edits allowed, this one needs 3
    assertThat(schema.closest("agent.bxxxend")).isEmpty();
  }

  @Test
  void closestDoesNotSuggestForAMisspeltSectionAlone() {
    // sections are not candidates; the loader lists the known sections instead
    assertThat(schema.closest("gatway")).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] d({0}, {1}) = {2}")
  @CsvSource({
    "'', '', 0",
    "abc, '', 3",
    "'', abc, 3",
    "abc, abc, 0",
    "kitten, sitting, 3",
    "flaw, lawn, 2",
    "drain, drian, 2",
  })
  void editDistance(String a, String b, int expected) {
    assertThat(ConfigSchema.editDistance(a, b)).isEqualTo(expected);
    assertThat(ConfigSchema.editDistance(b, a)).isEqualTo(expected);
  }

  @Test
  void lookupByPathAndByEnvironmentVariable() {
    assertThat(schema.byPath("gateway.drain_timeout")).containsSame(CoreKeys.DRAIN_TIMEOUT);
    assertThat(schema.byEnv("SWITCHBOARD_DRAIN_TIMEOUT")).containsSame(CoreKeys.DRAIN_TIMEOUT);
    assertThat(schema.byPath("gateway")).isEmpty();
    assertThat(schema.byEnv("SWITCHBOARD_NOPE")).isEmpty();
  }

  @Test
  void keysKeepDeclarationOrder() {
    assertThat(ConfigSchema.of(CoreKeys.all()).keys()).containsExactlyElementsOf(CoreKeys.all());
  }

  @Test
  void samePathTwiceIsRejected() {
    assertThatThrownBy(() -> ConfigSchema.of(List.of(text("a.b", null), text("a.b", "X"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key declared twice: a.b");
  }

  @Test
  void sameVariableTwiceIsRejected() {
    assertThatThrownBy(() -> ConfigSchema.of(List.of(text("a.b", "X"), text("a.c", "X"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment variable declared twice: X");
  }

  @Test
  void keyThatIsAlsoASectionIsRejected() {
    assertThatThrownBy(() -> ConfigSchema.of(List.of(text("a.b", null), text("a.b.c", null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a.b is both a setting and a section");
  }

  @Test
  void keysWithoutVariableCanShareTheAbsenceOfOne() {
    ConfigSchema s = ConfigSchema.of(List.of(text("a.b", null), text("a.c", null)));

    assertThat(s.keys()).hasSize(2);
  }

  @Test
  void configKeyRejectsBadPathsAndVariableNames() {
    assertThatThrownBy(() -> text("nodot", null)).hasMessage("bad config path nodot");
    assertThatThrownBy(() -> text("Gateway.x", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text("gateway.", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text("a.b", "lower_case")).hasMessage("bad env name lower_case");
  }

  @Test
  void whereNamesThePathAndTheVariable() {
    assertThat(CoreKeys.DRAIN_TIMEOUT.where())
        .isEqualTo("gateway.drain_timeout (or SWITCHBOARD_DRAIN_TIMEOUT)");
    assertThat(text("a.b", null).where()).isEqualTo("a.b");
  }

  @Test
  void secretKeyIsMarkedSecretAndHasNoDefault() {
    assertThat(TestKeys.TOKEN.secret()).isTrue();
    assertThat(TestKeys.TOKEN.defaultValue()).isNull();
    assertThat(CoreKeys.BACKEND.secret()).isFalse();
  }

  @Test
  void everyCoreDefaultIsAcceptedByItsOwnType() {
    for (ConfigKey<?> key : CoreKeys.all()) {
      Object def = key.defaultValue();
      if (def == null) {
        continue; // unset until given (store.url): there is no default to parse
      }
      Object raw = def instanceof Duration d
          ? dev.switchboard.config.Durations.format(d)
          : def instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT) : def;
      assertThat(key.type().parse(raw)).as(key.path()).isEqualTo(def);
    }
  }

  @Test
  void configDefaultsGetAndOverrides() {
    Config defaults = Config.defaults(schema);
    Config changed = defaults.with(Map.of(CoreKeys.MAX_QUEUED, 3));

    assertThat(defaults.get(CoreKeys.MAX_QUEUED)).isEqualTo(20);
    assertThat(changed.get(CoreKeys.MAX_QUEUED)).isEqualTo(3);
    assertThat(changed.origin(CoreKeys.MAX_QUEUED)).isEqualTo(Config.Origin.ENVIRONMENT);
    assertThat(changed.isSet(CoreKeys.MAX_QUEUED)).isTrue();
    assertThat(defaults.isSet(CoreKeys.MAX_QUEUED)).isFalse();
  }

  @Test
  void configGetRejectsAKeyFromAnotherSchema() {
    Config c = Config.defaults(ConfigSchema.of(CoreKeys.all()));

    assertThatThrownBy(() -> c.get(TestKeys.TOKEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("telegram.token");
  }

  @Test
  void configGetRejectsADifferentKeyWithTheSamePath() {
    Config c = Config.defaults(schema);
    ConfigKey<String> impostor = text("agent.backend", null);

    assertThatThrownBy(() -> c.get(impostor)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "500, 500ms",
    "1500, 1500ms",
    "1000, 1s",
    "90000, 90s",
    "60000, 1m",
    "120000, 2m",
    "3600000, 1h",
    "5400000, 90m",
    "7200000, 2h"
  })
  void durationsFormatInTheLargestExactUnit(long millis, String expected) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(expected);
  }

  @Test
  void originLabelsNameTheSources() {
    assertThat(Config.Origin.YAML.label()).isEqualTo("switchboard.yaml");
    assertThat(Config.Origin.DOTENV.label()).isEqualTo(".env");
  }
}
