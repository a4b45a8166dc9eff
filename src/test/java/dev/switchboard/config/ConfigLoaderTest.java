package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config.Origin;
import dev.switchboard.config.CoreKeys.BusyPolicySetting;
import dev.switchboard.config.CoreKeys.LogLevel;
import dev.switchboard.config.CoreKeys.ServiceManagerSetting;
import dev.switchboard.media.MediaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path home;

  private final ConfigLoader loader = new ConfigLoader(TestKeys.schema());

  private void yaml(String text) throws IOException {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), text);
  }

  private void dotenv(String text) throws IOException {
    Files.writeString(home.resolve(ConfigLoader.DOTENV_FILE), text);
  }

  private Config load() {
    return load(Map.of());
  }

  private Config load(Map<String, String> env) {
    return loader.load(home, env);
  }

  private ConfigException loadFails() {
    return loadFails(Map.of());
  }

  private ConfigException loadFails(Map<String, String> env) {
    return catchThrowableOfType(ConfigException.class, () -> loader.load(home, env));
  }

  @Nested
  class Defaults {
    @Test
    void noFilesAndEmptyEnvironmentGiveEveryDefault() {
      Config c = load();

      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
      assertThat(c.get(CoreKeys.MAX_QUEUED)).isEqualTo(20);
      assertThat(c.get(CoreKeys.BUSY_POLICY)).isEqualTo(BusyPolicySetting.INTERRUPT);
      assertThat(c.get(CoreKeys.BACKEND)).isEqualTo("echo");
      assertThat(c.get(TestKeys.TOKEN)).isNull();
      assertThat(c.isSet(CoreKeys.DRAIN_TIMEOUT)).isFalse();
      assertThat(c.origin(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Origin.DEFAULT);
    }

    @Test
    void secretValuesAreTheSetSecretsOnly() {
      assertThat(load().secretValues()).isEmpty();
      Config c = load(Map.of(
          "SWITCHBOARD_TELEGRAM_TOKEN", "999:TOKENVALUE", "SWITCHBOARD_DRAIN_TIMEOUT", "5s"));
      assertThat(c.secretValues()).containsExactly("999:TOKENVALUE");
    }

    @Test
    void homeDirectoryThatDoesNotExistGivesDefaults() {
      Config c = loader.load(home.resolve("missing"), Map.of());

      assertThat(c.get(CoreKeys.SHUTDOWN_GRACE)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void emptyYamlFileGivesDefaults() throws IOException {
      yaml("");

      assertThat(load().isSet(CoreKeys.BACKEND)).isFalse();
    }

    @Test
    void yamlWithOnlyCommentsGivesDefaults() throws IOException {
      yaml("# nothing configured yet\n# gateway:\n#   drain_timeout: 5s\n");

      assertThat(load().get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void emptySectionIsAllowedAndSetsNothing() throws IOException {
      yaml("gateway:\nagent:\n  backend: claude\n");

      Config c = load();
      assertThat(c.isSet(CoreKeys.DRAIN_TIMEOUT)).isFalse();
      assertThat(c.get(CoreKeys.BACKEND)).isEqualTo("claude");
    }
  }

  @Nested
  class Precedence {
    @Test
    void yamlOverridesDefault() throws IOException {
      yaml("gateway:\n  drain_timeout: 10s\n");

      Config c = load();
      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
      assertThat(c.origin(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Origin.YAML);
      assertThat(c.isSet(CoreKeys.DRAIN_TIMEOUT)).isTrue();
    }

    @Test
    void dotEnvOverridesYaml() throws IOException {
      yaml("gateway:\n  drain_timeout: 10s\n");
      dotenv("SWITCHBOARD_DRAIN_TIMEOUT=20s\n");

      Config c = load();
      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(20));
      assertThat(c.origin(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Origin.DOTENV);
    }

    @Test
    void environmentOverridesDotEnvAndYaml() throws IOException {
      yaml("gateway:\n  drain_timeout: 10s\n");
      dotenv("SWITCHBOARD_DRAIN_TIMEOUT=20s\n");

      Config c = load(Map.of("SWITCHBOARD_DRAIN_TIMEOUT", "30s"));
      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
      assertThat(c.origin(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Origin.ENVIRONMENT);
    }

    @Test
    void environmentOverridesYamlWithoutDotEnv() throws IOException {
      yaml("gateway:\n  max_queued_messages: 5\n");

      Config c = load(Map.of("SWITCHBOARD_MAX_QUEUED_MESSAGES", "7"));
      assertThat(c.get(CoreKeys.MAX_QUEUED)).isEqualTo(7);
    }

    @Test
    void eachKeyTakesItsOwnHighestSource() throws IOException {
      yaml(
          "gateway:\n  drain_timeout: 10s\n  max_queued_messages: 5\nagent:\n  backend: yamlbackend\n");
      dotenv("SWITCHBOARD_MAX_QUEUED_MESSAGES=6\n");

      Config c = load(Map.of("SWITCHBOARD_BACKEND", "envbackend"));

      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
      assertThat(c.origin(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Origin.YAML);
      assertThat(c.get(CoreKeys.MAX_QUEUED)).isEqualTo(6);
      assertThat(c.origin(CoreKeys.MAX_QUEUED)).isEqualTo(Origin.DOTENV);
      assertThat(c.get(CoreKeys.BACKEND)).isEqualTo("envbackend");
      assertThat(c.origin(CoreKeys.BACKEND)).isEqualTo(Origin.ENVIRONMENT);
      assertThat(c.origin(CoreKeys.SHUTDOWN_GRACE)).isEqualTo(Origin.DEFAULT);
    }

    @Test
    void variablesWithoutOurPrefixAreIgnored() throws IOException {
      dotenv("EDITOR=vim\n");

      Config c = load(Map.of("PATH", "/usr/bin", "HOME", "/root"));

      assertThat(c.isSet(CoreKeys.BACKEND)).isFalse();
      assertThat(loader.warnings()).isEmpty();
    }
  }

  @Nested
  class ValueParsing {
    @Test
    void everyCoreTypeIsReadFromYaml() throws IOException {
      yaml("""
          gateway:
            drain_timeout: 2m
            shutdown_grace: 10m
            disconnect_timeout: 500ms
            connect_timeout: 45
            busy_policy: queue
            max_queued_messages: 3
            group_sessions_per_user: false
            service_manager: systemd
          agent:
            backend: claude
          logging:
            level: DEBUG
          telegram:
            allowed_users: [alice, " bob ", 42]
          """);

      Config c = load();

      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
      assertThat(c.get(CoreKeys.SHUTDOWN_GRACE)).isEqualTo(Duration.ofMinutes(10));
      assertThat(c.get(CoreKeys.DISCONNECT_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
      assertThat(c.get(CoreKeys.CONNECT_TIMEOUT)).isEqualTo(Duration.ofSeconds(45));
      assertThat(c.get(CoreKeys.BUSY_POLICY)).isEqualTo(BusyPolicySetting.QUEUE);
      assertThat(c.get(CoreKeys.MAX_QUEUED)).isEqualTo(3);
      assertThat(c.get(CoreKeys.GROUP_SESSION_PER_USER)).isFalse();
      assertThat(c.get(CoreKeys.SERVICE_MANAGER)).isEqualTo(ServiceManagerSetting.SYSTEMD);
      assertThat(c.get(CoreKeys.BACKEND)).isEqualTo("claude");
      assertThat(c.get(CoreKeys.LOG_LEVEL)).isEqualTo(LogLevel.DEBUG);
      assertThat(c.get(TestKeys.ALLOWED_USERS)).containsExactly("alice", "bob", "42");
    }

    @Test
    void dottedKeyAtTopLevelOfYamlIsAccepted() throws IOException {
      yaml("gateway.drain_timeout: 7s\n");

      assertThat(load().get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void environmentStringsAreParsedToTheKeysType() {
      Config c = load(Map.of(
          "SWITCHBOARD_MAX_QUEUED_MESSAGES", " 12 ",
          "SWITCHBOARD_GROUP_SESSIONS_PER_USER", "off",
          "SWITCHBOARD_BUSY_POLICY", "QUEUE",
          "SWITCHBOARD_TELEGRAM_ALLOWED_USERS", "alice, bob,,carol"));

      assertThat(c.get(CoreKeys.MAX_QUEUED)).isEqualTo(12);
      assertThat(c.get(CoreKeys.GROUP_SESSION_PER_USER)).isFalse();
      assertThat(c.get(CoreKeys.BUSY_POLICY)).isEqualTo(BusyPolicySetting.QUEUE);
      assertThat(c.get(TestKeys.ALLOWED_USERS)).containsExactly("alice", "bob", "carol");
    }

    @Test
    void bareNumberDurationInEnvironmentMeansSeconds() {
      assertThat(load(Map.of("SWITCHBOARD_DRAIN_TIMEOUT", "90")).get(CoreKeys.DRAIN_TIMEOUT))
          .isEqualTo(Duration.ofSeconds(90));
    }
  }

  @Nested
  class Yaml12Semantics {
    @Test
    void yesOnBooleanKeyStaysTextAndBoolAcceptsItAsTrue() throws IOException {
      yaml("gateway:\n  group_sessions_per_user: yes\n");

      assertThat(load().get(CoreKeys.GROUP_SESSION_PER_USER)).isTrue();
    }

    @Test
    void noOnBooleanKeyIsAcceptedAsFalse() throws IOException {
      yaml("gateway:\n  group_sessions_per_user: no\n");

      assertThat(load().get(CoreKeys.GROUP_SESSION_PER_USER)).isFalse();
    }

    @Test
    void capitalisedTrueIsTextInYaml12ButBoolAcceptsIt() throws IOException {
      yaml("gateway:\n  group_sessions_per_user: FALSE\n");

      assertThat(load().get(CoreKeys.GROUP_SESSION_PER_USER)).isFalse();
    }

    @Test
    void yamlOneMeansTheSameAsInTheEnvironment() throws IOException {
      // YAML scalars are text to the loader, so "1" reads as it does from the environment.
      yaml("gateway:\n  group_sessions_per_user: 0\n");

      assertThat(load().get(CoreKeys.GROUP_SESSION_PER_USER)).isFalse();
    }

    @Test
    void aNumberThatIsNotABooleanNamesTheKey() throws IOException {
      yaml("gateway:\n  group_sessions_per_user: 2\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.group_sessions_per_user");
      assertThat(e.getMessage()).contains("expected true or false");
    }

    @Test
    void noOnTextKeyStaysTheWordNo() throws IOException {
      yaml("agent:\n  backend: no\n");

      assertThat(load().get(CoreKeys.BACKEND)).isEqualTo("no");
    }

    @Test
    void onOnTextKeyStaysTheWordOn() throws IOException {
      yaml("agent:\n  backend: on\n");

      assertThat(load().get(CoreKeys.BACKEND)).isEqualTo("on");
    }

    @Test
    void noInAListStaysText() throws IOException {
      yaml("telegram:\n  allowed_users: [no, yes, off]\n");

      assertThat(load().get(TestKeys.ALLOWED_USERS)).containsExactly("no", "yes", "off");
    }

    @Test
    void integerOnTextKeyBecomesItsDigits() throws IOException {
      yaml("agent:\n  backend: 42\n");

      assertThat(load().get(CoreKeys.BACKEND)).isEqualTo("42");
    }

    @Test
    void floatLookingValueOnTextKeyKeepsItsSpelling() throws IOException {
      yaml("agent:\n  backend: 1.50\n");

      assertThat(load().get(CoreKeys.BACKEND)).isEqualTo("1.50");
    }
  }

  @Nested
  class UnknownKeys {
    @Test
    void misspeltKeyNamesTheKeyAndSuggestsTheClosest() throws IOException {
      yaml("gateway:\n  drain_timout: 5s\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.drain_timout");
      assertThat(e.getMessage())
          .startsWith("gateway.drain_timout: ")
          .contains("unknown setting in switchboard.yaml")
          .contains("did you mean 'gateway.drain_timeout'?");
    }

    @Test
    void unknownKeyFarFromAnyKnownListsTheSectionsSettings() throws IOException {
      yaml("gateway:\n  colour: red\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.colour");
      assertThat(e.getMessage())
          .doesNotContain("did you mean")
          .contains("known settings under 'gateway'")
          .contains("drain_timeout")
          .contains("max_queued_messages");
    }

    @Test
    void unknownTopLevelSectionListsTheKnownSections() throws IOException {
      yaml("platforms:\n  telegram: true\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("platforms");
      assertThat(e.getMessage())
          .contains(
              "known sections: agent, auth, gateway, http, logging, send, service, store, telegram");
    }

    @Test
    void unknownSubsectionUnderKnownSectionIsRejected() throws IOException {
      yaml("gateway:\n  extra:\n    drain_timeout: 5s\n");

      assertThat(loadFails().key()).isEqualTo("gateway.extra");
    }

    @Test
    void unknownKeyIsRejectedEvenWhenEverythingElseIsValid() throws IOException {
      yaml("gateway:\n  drain_timeout: 5s\n  max_queud_messages: 5\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage()).contains("did you mean 'gateway.max_queued_messages'?");
    }

    @Test
    void unknownPrefixedVariableInDotEnvIsAnErrorNamingItsLine() throws IOException {
      dotenv("# settings\nSWITCHBOARD_DRAIN_TIMOUT=5s\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("SWITCHBOARD_DRAIN_TIMOUT".replace("TIMEOUT", "TIMOUT"));
      assertThat(e.getMessage())
          .contains("unknown setting in .env line 2")
          .contains("did you mean SWITCHBOARD_DRAIN_TIMEOUT?");
    }

    @Test
    void unknownPrefixedVariableInEnvironmentIsOnlyAWarning() {
      Config c = load(Map.of("SWITCHBOARD_DRAIN_TIMOUT", "5s"));

      assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
      assertThat(loader.warnings())
          .singleElement()
          .asString()
          .contains("SWITCHBOARD_DRAIN_TIMOUT")
          .contains("did you mean SWITCHBOARD_DRAIN_TIMEOUT?");
    }

    @Test
    void unknownVariableFarFromAnyKnownWarnsWithoutSuggestion() {
      load(Map.of("SWITCHBOARD_COMPLETELY_DIFFERENT_THING", "x"));

      assertThat(loader.warnings())
          .singleElement()
          .asString()
          .contains("SWITCHBOARD_COMPLETELY_DIFFERENT_THING")
          .doesNotContain("did you mean");
    }

    @Test
    void launcherVariablesAreNeitherSettingsNorWarnings() throws IOException {
      dotenv("SWITCHBOARD_JAVA_OPTS=-Xmx64m\n");

      load(Map.of(
          "SWITCHBOARD_HOME",
          "/srv/sb",
          "SWITCHBOARD_SKIP_BUILD",
          "1",
          "SWITCHBOARD_JAVA_HOME",
          "/opt/jdk"));

      assertThat(loader.warnings()).isEmpty();
    }

    @Test
    void warningsListIsACopy() {
      load(Map.of("SWITCHBOARD_NOPE", "1"));

      List<String> warnings = loader.warnings();
      assertThatThrownBy(() -> warnings.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class WrongTypes {
    @Test
    void wrongTypeInYamlNamesTheKeyAndWhatWasExpected() throws IOException {
      yaml("gateway:\n  drain_timeout: soon\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.drain_timeout");
      assertThat(e.getMessage())
          .startsWith("gateway.drain_timeout: expected a duration such as 60s")
          .contains("between 0s and 1h")
          .contains("'soon'");
    }

    @Test
    void outOfRangeIntegerNamesTheRange() throws IOException {
      yaml("gateway:\n  max_queued_messages: 5000\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.max_queued_messages");
      assertThat(e.getMessage()).contains("a whole number between 1 and 1000").contains("5000");
    }

    @Test
    void documentBudgetOutOfRangeNamesTheKey() throws IOException {
      ConfigLoader media = new ConfigLoader(TestKeys.schemaWith(MediaSettings.configKeys()));
      assertThat(media.load(home, Map.of()).get(MediaSettings.DOCUMENT_CHARS)).isEqualTo(20_000);
      yaml("media:\n  document_chars: 50\n");

      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> media.load(home, Map.of()));
      assertThat(e.key()).isEqualTo("media.document_chars");
      assertThat(e.getMessage())
          .startsWith("media.document_chars: expected a whole number between 1000 and 1000000")
          .contains("50");
    }

    @Test
    void badChoiceListsTheChoices() throws IOException {
      yaml("gateway:\n  busy_policy: wait\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage()).contains("one of interrupt, queue").contains("'wait'");
    }

    @Test
    void wrongTypeFromEnvironmentNamesTheVariable() {
      ConfigException e = loadFails(Map.of("SWITCHBOARD_MAX_QUEUED_MESSAGES", "lots"));

      assertThat(e.key()).isEqualTo("SWITCHBOARD_MAX_QUEUED_MESSAGES");
      assertThat(e.getMessage()).contains("a whole number between 1 and 1000");
    }

    @Test
    void wrongTypeFromDotEnvNamesTheFileLineAndVariable() throws IOException {
      dotenv("\n# comment\nSWITCHBOARD_SHUTDOWN_GRACE=forever\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("SWITCHBOARD_SHUTDOWN_GRACE");
      assertThat(e.getMessage())
          .startsWith("SWITCHBOARD_SHUTDOWN_GRACE: expected a duration")
          .endsWith("(in .env line 3)");
    }

    @Test
    void mappingGivenForASettingIsAnError() throws IOException {
      yaml("gateway:\n  drain_timeout:\n    seconds: 5\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.drain_timeout");
      assertThat(e.getMessage()).contains("got a mapping");
    }

    @Test
    void listGivenForAScalarSettingIsAnError() throws IOException {
      yaml("gateway:\n  drain_timeout: [5s, 10s]\n");

      assertThat(loadFails().key()).isEqualTo("gateway.drain_timeout");
    }

    @Test
    void badEnvironmentValueFailsEvenThoughTheYamlValueIsValid() throws IOException {
      yaml("gateway:\n  drain_timeout: 5s\n");

      ConfigException e = loadFails(Map.of("SWITCHBOARD_DRAIN_TIMEOUT", "-5s"));
      assertThat(e.key()).isEqualTo("SWITCHBOARD_DRAIN_TIMEOUT");
    }

    @Test
    void hugeYamlIntegerIsAConfigErrorNamingTheKey() throws IOException {
      yaml("gateway:\n  max_queued_messages: 99999999999999999999\n");

      ConfigException e = loadFails();
      assertThat(e).isNotNull();
      assertThat(e.key()).isEqualTo("gateway.max_queued_messages");
    }
  }

  @Nested
  class SectionsAndNulls {
    @Test
    void sectionGivenAScalarNamesTheSectionAndItsSettings() throws IOException {
      yaml("gateway: 5\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway");
      assertThat(e.getMessage())
          .contains("expected a mapping with settings")
          .contains("drain_timeout")
          .contains("got a single value")
          .doesNotContain("5");
    }

    @Test
    void sectionGivenTextSaysSo() throws IOException {
      yaml("agent: claude\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("agent");
      assertThat(e.getMessage())
          .contains("backend")
          .contains("got a single value")
          .doesNotContain("claude");
    }

    @Test
    void sectionGivenAListSaysSo() throws IOException {
      yaml("logging:\n  - debug\n");

      assertThat(loadFails().getMessage()).startsWith("logging: ").contains("got a list");
    }

    @Test
    void nullValueForASettingIsAnErrorNamingIt() throws IOException {
      yaml("gateway:\n  drain_timeout:\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isEqualTo("gateway.drain_timeout");
      assertThat(e.getMessage()).contains("no value given; expected a duration");
    }

    @Test
    void explicitNullIsAnError() throws IOException {
      yaml("agent:\n  backend: null\n");

      assertThat(loadFails().getMessage()).startsWith("agent.backend: no value given");
    }

    @Test
    void yamlRootThatIsAListIsRejected() throws IOException {
      yaml("- gateway\n- agent\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isNull();
      assertThat(e.getMessage()).contains("must be a mapping").contains("got a list");
    }

    @Test
    void yamlRootThatIsTextIsRejected() throws IOException {
      yaml("just some words\n");

      assertThat(loadFails().getMessage()).contains("got a single value");
    }
  }

  @Nested
  class SyntaxErrors {
    @Test
    void duplicateYamlKeysAreRejectedNamingTheKey() throws IOException {
      yaml("gateway:\n  drain_timeout: 5s\n  drain_timeout: 6s\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage())
          .contains("switchboard.yaml is not valid YAML at line 3")
          .contains("drain_timeout");
    }

    @Test
    void duplicateSectionsAreRejected() throws IOException {
      yaml("gateway:\n  drain_timeout: 5s\nagent:\n  backend: x\ngateway:\n  shutdown_grace: 5s\n");

      assertThat(loadFails().getMessage())
          .containsPattern("not valid YAML at line \\d+, column \\d+: ")
          .contains("duplicate key gateway");
    }

    @Test
    void unclosedQuoteGivesLineAndColumnButNotTheLine() throws IOException {
      yaml("gateway:\n  drain_timeout: 5s\nagent:\n  backend: \"claude-unclosed\n");

      ConfigException e = loadFails();
      assertThat(e.key()).isNull();
      assertThat(e.getMessage())
          .contains("switchboard.yaml is not valid YAML at line 5, column 1: found unexpected"
              + " end of stream")
          .contains("quoted scalar that starts at line 4, column ")
          .doesNotContain("claude-unclosed")
          .doesNotContain("backend")
          .doesNotContain("\n");
    }

    @Test
    void badIndentationGivesTheLineNumberButNotTheContent() throws IOException {
      yaml("agent:\n  backend: bogus-value-here\n bad: 1\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage())
          .matches("switchboard\\.yaml is not valid YAML at line \\d+, column \\d+: .*")
          .contains("line 3")
          .doesNotContain("bogus-value-here");
    }

    @Test
    void syntaxErrorMessageAlwaysSaysWhatIsWrong() throws IOException {
      yaml("agent:\n  backend: - claude\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage())
          .doesNotEndWith(": ")
          .contains("sequence entries are not allowed here");
    }

    @Test
    void tabIndentationErrorPointsAtTheLineWithTheTab() throws IOException {
      yaml("agent:\n\tbackend: claude\n");

      ConfigException e = loadFails();
      assertThat(e.getMessage()).contains("at line 2");
    }
  }

  @Nested
  class Required {
    private final ConfigKey<String> requiredToken =
        ConfigKey.secret("slack.token", "SWITCHBOARD_SLACK_TOKEN", true, "Slack bot token.");
    private final ConfigKey<String> requiredNoEnv = new ConfigKey<>(
        "slack.workspace", null, ValueType.string(), null, true, false, "Workspace.");

    private ConfigLoader requiring(ConfigKey<?>... keys) {
      return new ConfigLoader(TestKeys.schemaWith(List.of(keys)));
    }

    @Test
    void missingRequiredSettingNamesTheKeyAndWhereToSetIt() {
      ConfigException e = catchThrowableOfType(
          ConfigException.class, () -> requiring(requiredToken).load(home, Map.of()));

      assertThat(e.key()).isEqualTo("slack.token");
      assertThat(e.getMessage())
          .isEqualTo("slack.token: missing required setting; set it in"
              + " switchboard.yaml or as SWITCHBOARD_SLACK_TOKEN");
    }

    @Test
    void missingRequiredSettingWithoutVariableMentionsOnlyTheYaml() {
      ConfigException e = catchThrowableOfType(
          ConfigException.class, () -> requiring(requiredNoEnv).load(home, Map.of()));

      assertThat(e.getMessage())
          .isEqualTo("slack.workspace: missing required setting; set it in switchboard.yaml");
    }

    @Test
    void requiredSettingFromEnvironmentSatisfiesIt() {
      Config c = requiring(requiredToken).load(home, Map.of("SWITCHBOARD_SLACK_TOKEN", "abc"));

      assertThat(c.get(requiredToken)).isEqualTo("abc");
    }

    @Test
    void requiredSettingFromYamlSatisfiesIt() throws IOException {
      yaml("slack:\n  workspace: acme\n");

      assertThat(requiring(requiredNoEnv).load(home, Map.of()).get(requiredNoEnv))
          .isEqualTo("acme");
    }

    @Test
    void requiredSettingWithDefaultNeedsNoValue() {
      ConfigKey<Integer> requiredWithDefault = new ConfigKey<>(
          "slack.retries", null, ValueType.integer(0, 10), 3, true, false, "Retries.");

      assertThat(requiring(requiredWithDefault).load(home, Map.of()).get(requiredWithDefault))
          .isEqualTo(3);
    }
  }
}
