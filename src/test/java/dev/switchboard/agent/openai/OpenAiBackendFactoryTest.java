package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiBackendFactoryTest {
  private static final PluginCatalog CATALOG = PluginCatalog.discover();

  @TempDir
  Path home;

  private Config load(Map<String, String> env) {
    return new ConfigLoader(CATALOG.schema()).load(home, env);
  }

  @Test
  void theBaseUrlAloneSelectsThisBackend() {
    assertThat(CATALOG.backendName(load(Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1"))))
        .isEqualTo("openai");
    assertThat(CATALOG.backendName(load(Map.of()))).isEqualTo("echo");
    assertThat(CATALOG.backendName(load(
            Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1", "SWITCHBOARD_BACKEND", "echo"))))
        .isEqualTo("echo");
  }

  @Test
  void aMissingModelIsAConfigErrorNamingTheKey() {
    Config config = load(Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1"));

    assertThatThrownBy(() -> CATALOG.createBackend(config, home))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("agent.openai.model");
          assertThat(e.getMessage()).contains("SWITCHBOARD_MODEL");
        });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:11434/v1",
        "ftp://host/v1",
        "http://",
        "not a url",
        "http://host/v1?x=1",
        "http://user:hunter2@host/v1"
      })
  void aBadBaseUrlIsAConfigErrorNamingTheKeyWithoutEchoingCredentials(String url) {
    Config config = load(Map.of("OPENAI_BASE_URL", url, "SWITCHBOARD_MODEL", "m"));

    assertThatThrownBy(() -> CATALOG.createBackend(config, home))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("agent.openai.base_url");
          assertThat(e.getMessage()).doesNotContain("hunter2");
        });
  }

  @Test
  void aBadTemperatureIsRefusedByTheLoader() {
    assertThatThrownBy(() -> load(Map.of("SWITCHBOARD_OPENAI_TEMPERATURE", "hot")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.key())
                .isIn("agent.openai.temperature", "SWITCHBOARD_OPENAI_TEMPERATURE"));
  }

  @Test
  void visionIsAutoUnlessSetAndABadValueIsAConfigErrorNamingTheKey() {
    Map<String, String> env =
        Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1", "SWITCHBOARD_MODEL", "m");
    assertThat(OpenAiBackendFactory.settings(load(env)).vision())
        .isEqualTo(OpenAiBackendFactory.Vision.AUTO);
    Map<String, String> off = new HashMap<>(env);
    off.put("SWITCHBOARD_OPENAI_VISION", "off");
    assertThat(OpenAiBackendFactory.settings(load(off)).vision())
        .isEqualTo(OpenAiBackendFactory.Vision.OFF);

    Map<String, String> bad = new HashMap<>(env);
    bad.put("SWITCHBOARD_OPENAI_VISION", "sometimes");
    assertThatThrownBy(() -> load(bad)).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.key()).isIn("agent.openai.vision", "SWITCHBOARD_OPENAI_VISION");
      assertThat(e.getMessage()).contains("auto, on, off");
    });
  }

  @Test
  void settingsFromYamlAndEnvironmentAreApplied() throws Exception {
    Files.writeString(home.resolve("switchboard.yaml"), """
        agent:
          openai:
            base_url: http://localhost:11434/v1/
            models: [llama3.2, qwen2.5]
            temperature: 0.4
            system_prompt: Be brief.
            idle_timeout: 30s
        """);
    Config config = load(Map.of("SWITCHBOARD_MODEL", "mistral", "OPENAI_API_KEY", "sk-abcdef"));

    OpenAiSettings s = OpenAiBackendFactory.settings(config);

    assertThat(s.baseUrl().toString()).isEqualTo("http://localhost:11434/v1");
    assertThat(s.model()).isEqualTo("mistral");
    assertThat(s.models()).containsExactly("mistral", "llama3.2", "qwen2.5");
    assertThat(s.temperature()).isEqualTo(0.4);
    assertThat(s.systemPrompt()).isEqualTo("Be brief.");
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.apiKey()).isEqualTo("sk-abcdef");
    assertThat(s.stream()).isTrue();
    assertThat(s.maxRetries()).isEqualTo(3);
    assertThat(config.secretValues()).contains("sk-abcdef");
  }

  @Test
  void theBackendIsCreatedAndDescribesItself() {
    Config config = load(Map.of(
        "OPENAI_BASE_URL",
        "https://api.openai.com/v1",
        "SWITCHBOARD_MODEL",
        "gpt-4o-mini",
        "OPENAI_API_KEY",
        "sk-secretvalue123"));

    try (AgentBackend backend = CATALOG.createBackend(config, home)) {
      assertThat(backend.describe())
          .isEqualTo("openai-compatible (gpt-4o-mini at https://api.openai.com/v1)");
      assertThat(backend.models()).isEqualTo(List.of());
      assertThat(backend.defaultModel()).isEqualTo("gpt-4o-mini");
    }
  }
}
