package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.platform.ChatRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class WebhookConfigTest {
  private static final String SECRET = "0123456789abcdef0123";
  private static final ConfigSchema SCHEMA = schema();

  @TempDir
  Path home;

  private static ConfigSchema schema() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.all());
    keys.addAll(WebhookConfig.configKeys());
    return ConfigSchema.of(keys);
  }

  private Config load(String yaml, Map<String, String> env) throws Exception {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), yaml);
    return new ConfigLoader(SCHEMA).load(home, env);
  }

  private List<WebhookRoute> routes(String yaml) throws Exception {
    return WebhookConfig.routes(load(yaml, Map.of()), "telegram"::equals);
  }

  @Test
  void routesAreReadWithTheirDefaults() throws Exception {
    Config config = load("""
        webhooks:
          max_body_kb: 64
          routes:
            github:
              secret: %s
              target: telegram:-1001234567890:7
              prompt: "PR {{pull_request.title}}"
            alerts:
              auth: token
              token_header: X-Alert-Token
              delivery_header: X-Alert-Id
              secret: %s
              target: telegram:42
              mode: direct
              conversation: shared
              prompt: "{{text}}"
        """.formatted(SECRET, SECRET + "x"), Map.of());
    assertThat(WebhookConfig.maxBodyBytes(config)).isEqualTo(64 * 1024);
    List<WebhookRoute> routes = WebhookConfig.routes(config, "telegram"::equals);
    assertThat(routes).extracting(WebhookRoute::name).containsExactly("alerts", "github");
    WebhookRoute github = routes.get(1);
    assertThat(github.auth()).isEqualTo(WebhookRoute.Auth.HMAC_SHA256);
    assertThat(github.deliveryHeader()).isEqualTo("X-GitHub-Delivery");
    assertThat(github.target()).isEqualTo(new ChatRef("telegram", "-1001234567890", "7"));
    assertThat(github.mode()).isEqualTo(WebhookRoute.Mode.AGENT);
    assertThat(github.ownConversation()).isTrue();
    assertThat(github
            .prompt()
            .render(
                JsonMapper.builder().build().readTree("{\"pull_request\": {\"title\": \"T\"}}")))
        .isEqualTo("PR T");
    WebhookRoute alerts = routes.get(0);
    assertThat(alerts.auth()).isEqualTo(WebhookRoute.Auth.TOKEN);
    assertThat(alerts.tokenHeader()).isEqualTo("X-Alert-Token");
    assertThat(alerts.deliveryHeader()).isEqualTo("X-Alert-Id");
    assertThat(alerts.mode()).isEqualTo(WebhookRoute.Mode.DIRECT);
    assertThat(alerts.ownConversation()).isFalse();
    assertThat(alerts.toString()).doesNotContain(SECRET);
    assertThat(config.secretValues()).contains(SECRET, SECRET + "x");
  }

  @Test
  void noRoutesIsNoWebhooks() throws Exception {
    assertThat(routes("gateway:\n  drain_timeout: 5s\n")).isEmpty();
  }

  @Test
  void theSecretMayComeFromTheEnvironmentUnderTheRoutesName() throws Exception {
    Files.writeString(
        home.resolve(ConfigLoader.DOTENV_FILE),
        "SWITCHBOARD_WEBHOOKS_MY_HOOK_SECRET=" + SECRET + "\n");
    Config config = load("""
        webhooks:
          routes:
            my-hook:
              target: telegram:42
              prompt: "{{a}}"
        """, Map.of());
    WebhookRoute route = WebhookConfig.routes(config, "telegram"::equals).getFirst();
    assertThat(route.name()).isEqualTo("my-hook");
    assertThat(route.secret()).isEqualTo(SECRET);
    assertThat(config.secretValues()).contains(SECRET);
  }

  @Test
  void aMissingRequiredSettingIsNamedWithItsRoute() {
    assertThatThrownBy(() -> load(
            "webhooks:\n  routes:\n    github:\n      target: telegram:1\n      prompt: x\n",
            Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhooks.routes.github.secret")
        .hasMessageContaining("SWITCHBOARD_WEBHOOKS_GITHUB_SECRET");
    assertThatThrownBy(() -> load(
            "webhooks:\n  routes:\n    github:\n      secret: %s\n      prompt: x\n"
                .formatted(SECRET),
            Map.of()))
        .hasMessageContaining("webhooks.routes.github.target");
    assertThatThrownBy(() -> load("webhooks:\n  routes:\n    github:\n", Map.of()))
        .hasMessageContaining("webhooks.routes.github.");
  }

  @Test
  void aBadValueIsNamedWithItsRouteAndTheValue() {
    assertThatThrownBy(() -> load(
            "webhooks:\n  routes:\n    github:\n      secret: %s\n      target: telegram:1\n"
                    .formatted(SECRET)
                + "      prompt: x\n      mode: loud\n",
            Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhooks.routes.github.mode")
        .hasMessageContaining("'loud'")
        .hasMessageContaining("agent, direct");
  }

  @Test
  void anUnknownSettingInARouteIsRefusedByItsFullPath() {
    assertThatThrownBy(() -> load(
            "webhooks:\n  routes:\n    github:\n      secret: %s\n      target: telegram:1\n"
                    .formatted(SECRET)
                + "      prompt: x\n      colour: red\n",
            Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhooks.routes.github.colour")
        .hasMessageContaining("unknown setting");
    assertThatThrownBy(() -> load(
            "webhooks:\n  routes:\n    github:\n      secert: %s\n".formatted(SECRET), Map.of()))
        .hasMessageContaining("did you mean 'webhooks.routes.github.secret'");
  }

  @Test
  void aRouteNameOutsideTheAllowedCharactersIsRefused() {
    assertThatThrownBy(() -> load("webhooks:\n  routes:\n    GitHub:\n      secret: x\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhooks.routes.GitHub")
        .hasMessageContaining("a-z, 0-9, _ and -");
  }

  @Test
  void whatTheTypesCannotCheckIsCheckedWhenTheRoutesAreRead() {
    String route = "webhooks:\n  routes:\n    github:\n      secret: %s\n      target: %s\n"
        + "      prompt: \"%s\"\n";
    assertThatThrownBy(() -> routes(route.formatted("short", "telegram:1", "x")))
        .hasMessageContaining("webhooks.routes.github.secret")
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> routes(route.formatted(SECRET, "telegram", "x")))
        .hasMessageContaining("webhooks.routes.github.target")
        .hasMessageContaining("platform:chat");
    assertThatThrownBy(() -> routes(route.formatted(SECRET, "discord:1", "x")))
        .hasMessageContaining("webhooks.routes.github.target")
        .hasMessageContaining("discord, which is not enabled");
    assertThatThrownBy(() -> routes(route.formatted(SECRET, "telegram:1", "{{title")))
        .hasMessageContaining("webhooks.routes.github.prompt")
        .hasMessageContaining("never closed");
  }
}
