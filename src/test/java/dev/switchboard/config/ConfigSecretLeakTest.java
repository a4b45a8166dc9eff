package dev.switchboard.config;

import static dev.switchboard.config.TestKeys.TOKEN_VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A secret's value must never reach an exception message, whatever the operator got wrong. Every
 * test makes loading fail with the distinctive {@link TestKeys#TOKEN_VALUE} somewhere in the input
 * and checks the message holds no part of it.
 */
class ConfigSecretLeakTest {
  @TempDir
  Path home;

  private Throwable loadFailure(Map<String, String> env) {
    try {
      new ConfigLoader(TestKeys.schema()).load(home, env);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected loading to fail");
  }

  private ConfigException configFailure(Map<String, String> env) {
    Throwable t = loadFailure(env);
    assertThat(t).isInstanceOf(ConfigException.class);
    return (ConfigException) t;
  }

  private ConfigException yamlFailure(String yaml) throws IOException {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), yaml);
    return configFailure(Map.of());
  }

  private ConfigException dotenvFailure(String dotenv) throws IOException {
    Files.writeString(home.resolve(ConfigLoader.DOTENV_FILE), dotenv);
    return configFailure(Map.of());
  }

  private static void assertNoSecretIn(Throwable e) {
    String text = e.getMessage() + " " + e;
    assertThat(text)
        .doesNotContain(TOKEN_VALUE)
        .doesNotContain(TOKEN_VALUE.substring(0, 6))
        .doesNotContain(TOKEN_VALUE.substring(TOKEN_VALUE.length() - 6));
  }

  @Test
  void nonSecretBadValueIsEchoedSoTheLeakCheckIsMeaningful() throws IOException {
    // the same kind of failure on a non-secret key shows the value, which secrets must not
    ConfigException e = yamlFailure("gateway:\n  max_queued_messages: " + TOKEN_VALUE + "\n");

    assertThat(e.getMessage()).contains(TOKEN_VALUE);
  }

  @Test
  void secretGivenAsAListInYaml() throws IOException {
    ConfigException e = yamlFailure("telegram:\n  token: [first, " + TOKEN_VALUE + "]\n");

    assertThat(e.key()).isEqualTo("telegram.token");
    assertThat(e.getMessage()).contains("expected a non-empty text value");
    assertNoSecretIn(e);
  }

  @Test
  void secretGivenAsAMappingInYaml() throws IOException {
    ConfigException e = yamlFailure("telegram:\n  token:\n    " + TOKEN_VALUE + ": x\n");

    assertThat(e.key()).isEqualTo("telegram.token");
    assertNoSecretIn(e);
  }

  @Test
  void nonTextSecretWithWrongValueInYaml() throws IOException {
    ConfigException e = yamlFailure("telegram:\n  pin: " + TOKEN_VALUE + "\n");

    assertThat(e.key()).isEqualTo("telegram.pin");
    assertThat(e.getMessage()).contains("a whole number between 0 and 999999");
    assertNoSecretIn(e);
  }

  @Test
  void nonTextSecretWithWrongValueInEnvironment() {
    ConfigException e = configFailure(Map.of("SWITCHBOARD_TELEGRAM_PIN", TOKEN_VALUE));

    assertThat(e.key()).isEqualTo("SWITCHBOARD_TELEGRAM_PIN");
    assertNoSecretIn(e);
  }

  @Test
  void nonTextSecretWithWrongValueInDotEnv() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_TELEGRAM_PIN=" + TOKEN_VALUE + "\n");

    assertThat(e.getMessage())
        .startsWith("SWITCHBOARD_TELEGRAM_PIN: ")
        .contains("(in .env line 1)");
    assertNoSecretIn(e);
  }

  @Test
  void secretUnderAMisspeltKey() throws IOException {
    ConfigException e = yamlFailure("telegram:\n  tokn: " + TOKEN_VALUE + "\n");

    assertThat(e.getMessage()).contains("did you mean 'telegram.token'?");
    assertNoSecretIn(e);
  }

  @Test
  void secretUnderAMisspeltVariableInDotEnv() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_TELEGRAM_TOKN=" + TOKEN_VALUE + "\n");

    assertThat(e.getMessage()).contains("did you mean SWITCHBOARD_TELEGRAM_TOKEN?");
    assertNoSecretIn(e);
  }

  @Test
  void secretUnderAMisspeltVariableInEnvironmentIsNotInTheWarning() {
    ConfigLoader loader = new ConfigLoader(TestKeys.schema());
    loader.load(home, Map.of("SWITCHBOARD_TELEGRAM_TOKN", TOKEN_VALUE));

    assertThat(loader.warnings())
        .singleElement()
        .asString()
        .contains("SWITCHBOARD_TELEGRAM_TOKN")
        .doesNotContain(TOKEN_VALUE);
  }

  @Test
  void secretPastedAsTheWholeYamlFile() throws IOException {
    ConfigException e = yamlFailure(TOKEN_VALUE + "\n");

    assertNoSecretIn(e);
  }

  @Test
  void secretPastedAsASectionValue() throws IOException {
    ConfigException e = yamlFailure("telegram: " + TOKEN_VALUE + "\n");

    assertThat(e.key()).isEqualTo("telegram");
    assertNoSecretIn(e);
  }

  @Test
  void secretGivenTwiceInYaml() throws IOException {
    ConfigException e =
        yamlFailure("telegram:\n  token: " + TOKEN_VALUE + "\n  token: " + TOKEN_VALUE + "\n");

    assertNoSecretIn(e);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "telegram:\n  token: \"@@\n", // unclosed double quote
        "telegram:\n  token: '@@\n", // unclosed single quote
        "telegram:\n  token: \"@@\\q\"\n", // bad escape
        "telegram:\n  token: @@: more\n", // mapping value in a plain scalar
        "telegram:\n  token: [@@\n", // unclosed flow sequence
        "telegram:\n  token: {@@\n", // unclosed flow mapping
        "telegram:\n  token: @@\n bad: 1\n", // bad indentation after the secret
        "telegram:\n  token: @@\n  - x\n", // sequence after the secret
        "telegram:\n\ttoken: @@\n", // tab indentation
        "telegram:\n  token: - @@\n", // sequence entry on the line
        "telegram:\n  token: |@@\n", // bad block scalar header
        "telegram: {token: @@]\n", // mismatched bracket
        "telegram:\n  token: `@@\n", // reserved indicator
      })
  void yamlSyntaxErrorsNeverQuoteTheLine(String template) throws IOException {
    ConfigException e = yamlFailure(template.replace("@@", TOKEN_VALUE));

    assertThat(e.getMessage()).startsWith("switchboard.yaml is not valid YAML at line ");
    assertNoSecretIn(e);
  }

  @Test
  void blankSecretInEnvironmentIsAnErrorWithoutEcho() {
    ConfigException e = configFailure(Map.of("SWITCHBOARD_TELEGRAM_TOKEN", "   "));

    assertThat(e.key()).isEqualTo("SWITCHBOARD_TELEGRAM_TOKEN");
    assertThat(e.getMessage())
        .contains("expected a non-empty text value")
        .doesNotContain("got an empty value");
  }

  @Test
  void unclosedQuoteAroundSecretInDotEnv() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_TELEGRAM_TOKEN=\"" + TOKEN_VALUE + "\n");

    assertThat(e.getMessage()).contains("line 1");
    assertNoSecretIn(e);
  }

  @Test
  void textAfterClosingQuoteAroundSecretInDotEnv() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_TELEGRAM_TOKEN='abc'" + TOKEN_VALUE + "\n");

    assertNoSecretIn(e);
  }

  @Test
  void malformedDotEnvLineHoldingASecret() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_BACKEND=echo\n" + TOKEN_VALUE + "\n");

    assertThat(e.getMessage()).contains("line 2");
    assertNoSecretIn(e);
  }

  @Test
  void malformedDotEnvLineWithSecretAfterAColon() throws IOException {
    ConfigException e = dotenvFailure("SWITCHBOARD_TELEGRAM_TOKEN: " + TOKEN_VALUE + "\n");

    assertNoSecretIn(e);
  }

  @Test
  void numericSecretTooLongForALongIsKeptAsWritten() throws IOException {
    // YAML is read with the failsafe schema: a token made of digits is text, digit for digit.
    Files.writeString(
        home.resolve(ConfigLoader.YAML_FILE), "telegram:\n  token: 0918273645546372819918273645\n");

    Config config = new ConfigLoader(TestKeys.schema()).load(home, Map.of());

    assertThat(config.get(TestKeys.TOKEN)).isEqualTo("0918273645546372819918273645");
  }
}
