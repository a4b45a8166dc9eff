package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigKey;
import dev.switchboard.lifecycle.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README is the user's manual: every setting the gateway accepts must be in it. */
class ReadmeTest {
  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  /** Settings of shipped plugins; the loopback platform exists only in the tests. */
  private static List<ConfigKey<?>> shippedKeys() {
    return PluginCatalog.discover().schema().keys().stream()
        .filter(k -> !k.path().startsWith("platforms.loopback."))
        .toList();
  }

  @Test
  void everySettingIsInTheConfigurationReference() throws Exception {
    String readme = readme();
    assertThat(shippedKeys()).isNotEmpty();
    for (ConfigKey<?> key : shippedKeys()) {
      String row = "| `" + key.path() + "` | " + (key.env() == null ? "" : "`" + key.env() + "`");
      assertThat(readme).as("README row for " + key.path()).contains(row);
    }
  }

  @Test
  void theExitCodesAndTheTwoCommandsAreDocumented() throws Exception {
    String readme = readme();
    for (String code : List.of("| `0` |", "| `1` |", "| `75` |", "| `78` |")) {
      assertThat(readme).contains(code);
    }
    assertThat(readme).contains("./switchboard run").contains("./run-tests");
    assertThat(Files.readString(Path.of(".ci/run"))).contains("run-tests");
  }
}
