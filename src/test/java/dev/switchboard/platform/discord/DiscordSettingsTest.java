package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CDN base URL setting: Discord's CDN by default, a bad URL refused naming the key. */
class DiscordSettingsTest {
  private static final String TOKEN = "MTA5.fake-settings-token.abc";

  private static Config config(Map<ConfigKey<?>, Object> values) {
    Map<ConfigKey<?>, Object> all = new HashMap<>(Map.of(DiscordSettings.TOKEN, TOKEN));
    all.putAll(values);
    return Config.defaults(ConfigSchema.of(DiscordSettings.keys())).with(all);
  }

  @Test
  void filesComeFromDiscordsCdnUnlessConfiguredOtherwise() {
    assertThat(DiscordSettings.from(config(Map.of())).cdnBaseUrl())
        .hasToString("https://cdn.discordapp.com");
    assertThat(DiscordSettings.from(
                config(Map.of(DiscordSettings.CDN_BASE_URL, "http://127.0.0.1:9002/")))
            .cdnBaseUrl())
        .hasToString("http://127.0.0.1:9002");
  }

  @Test
  void aCdnBaseThatIsNoHttpUrlIsRefusedNamingTheKey() {
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () ->
            DiscordSettings.from(config(Map.of(DiscordSettings.CDN_BASE_URL, "file:///var/cdn"))));
    assertThat(e.key()).isEqualTo("platforms.discord.cdn_base_url");
    assertThat(e.getMessage()).contains("file:///var/cdn").doesNotContain(TOKEN);
  }
}
