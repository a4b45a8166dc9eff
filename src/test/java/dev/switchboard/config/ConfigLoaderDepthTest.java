package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that {@link ConfigFuzzTest} found to end the load with a StackOverflowError. */
class ConfigLoaderDepthTest {
  @TempDir
  Path home;

  @Test
  void aFileNestedThousandsOfLevelsDeepIsAConfigErrorNamingTheLimit() throws IOException {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), "[".repeat(20_000));

    assertThatThrownBy(() -> new ConfigLoader(TestKeys.schema()).load(home, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(ConfigLoader.YAML_FILE + " is nested more than 50 levels deep at line 1,"
            + " column 51; settings need at most a few");
  }

  @Test
  void fiftyLevelsAreStillReadAndJudgedByTheSchema() throws IOException {
    Files.writeString(
        home.resolve(ConfigLoader.YAML_FILE),
        "gateway:\n  drain_timeout: " + "[".repeat(48) + "]".repeat(48) + "\n");

    assertThatThrownBy(() -> new ConfigLoader(TestKeys.schema()).load(home, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("gateway.drain_timeout"));
  }
}
