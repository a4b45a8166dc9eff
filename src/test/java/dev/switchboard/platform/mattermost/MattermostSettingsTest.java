package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The address and the token: both needed, each refused naming its key, the token never shown. */
class MattermostSettingsTest {
  private static final String TOKEN = "9xuqwrwgstrb3mzrxb83nb357a";

  private static Config config(Map<ConfigKey<?>, Object> values) {
    return Config.defaults(ConfigSchema.of(MattermostSettings.keys())).with(new HashMap<>(values));
  }

  @Test
  void theApiAndTheSocketAreUnderTheServersAddressSubpathIncluded() {
    MattermostSettings s = MattermostSettings.from(config(Map.of(
        MattermostSettings.TOKEN, TOKEN, MattermostSettings.URL, "https://chat.example.com/mm/")));
    assertThat(s.apiBase()).hasToString("https://chat.example.com/mm/api/v4");
    assertThat(s.websocketUrl()).hasToString("wss://chat.example.com/mm/api/v4/websocket");
    MattermostSettings plain = MattermostSettings.from(config(
        Map.of(MattermostSettings.TOKEN, TOKEN, MattermostSettings.URL, "http://127.0.0.1:8065")));
    assertThat(plain.websocketUrl()).hasToString("ws://127.0.0.1:8065/api/v4/websocket");
    assertThat(plain.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aMissingAddressIsRefusedNamingTheKey() {
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> MattermostSettings.from(config(Map.of(MattermostSettings.TOKEN, TOKEN))));
    assertThat(e.key()).isEqualTo("platforms.mattermost.url");
    assertThat(e.getMessage()).contains("MATTERMOST_URL").doesNotContain(TOKEN);
  }

  @Test
  void anAddressThatIsNoHttpUrlIsRefusedNamingTheKey() {
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> MattermostSettings.from(config(
            Map.of(MattermostSettings.TOKEN, TOKEN, MattermostSettings.URL, "chat.example.com"))));
    assertThat(e.key()).isEqualTo("platforms.mattermost.url");
    assertThat(e.getMessage()).contains("chat.example.com");
  }

  @Test
  void aTokenWithBearerOrSpacesIsRefusedWithoutBeingShown() {
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> MattermostSettings.from(config(Map.of(
            MattermostSettings.TOKEN,
            "Bearer " + TOKEN,
            MattermostSettings.URL,
            "https://chat.example.com"))));
    assertThat(e.key()).isEqualTo("platforms.mattermost.token");
    assertThat(e.getMessage()).contains("Bearer").doesNotContain(TOKEN);
  }

  @Test
  void noTokenIsRefusedNamingTheKeyAndItsVariable() {
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> MattermostSettings.from(
            config(Map.of(MattermostSettings.URL, "https://chat.example.com"))));
    assertThat(e.key()).isEqualTo("platforms.mattermost.token");
    assertThat(e.getMessage()).contains("MATTERMOST_TOKEN");
  }
}
