package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shapes of switchboard.yaml that are easy to get wrong by hand. */
class ConfigLoaderYamlShapeTest {
  @TempDir
  Path home;

  private ConfigException fails(String yaml) throws Exception {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), yaml);
    return catchThrowableOfType(
        ConfigException.class,
        () -> new ConfigLoader(ConfigSchema.of(CoreKeys.all())).load(home, Map.of()));
  }

  @Test
  void aSettingGivenNestedAndDottedIsRejectedNotSilentlyOverridden() throws Exception {
    ConfigException e = fails("gateway:\n  drain_timeout: 10s\ngateway.drain_timeout: 20s\n");
    assertThat(e.key()).isEqualTo("gateway.drain_timeout");
    assertThat(e.getMessage()).contains("set twice");
  }

  @Test
  void aDottedKeyAloneIsAccepted() throws Exception {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), "gateway.drain_timeout: 20s\n");
    Config c = new ConfigLoader(ConfigSchema.of(CoreKeys.all())).load(home, Map.of());
    assertThat(c.get(CoreKeys.DRAIN_TIMEOUT)).hasSeconds(20);
  }

  @Test
  void aMisspeltSectionGetsASuggestion() throws Exception {
    ConfigException e = fails("gatway:\n  drain_timeout: 10s\n");
    assertThat(e.getMessage()).contains("did you mean 'gateway").doesNotContain("10s");
  }

  @Test
  void aValueThatLooksLikeANumberKeepsItsSpellingOnATextKey() throws Exception {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), "agent:\n  backend: 007\n");
    Config c = new ConfigLoader(ConfigSchema.of(CoreKeys.all())).load(home, Map.of());
    assertThat(c.get(CoreKeys.BACKEND)).isEqualTo("007");
  }
}
