package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramSettingsTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh";

  @TempDir
  Path home;

  private static Config config(Map<ConfigKey<?>, Object> values) {
    Map<ConfigKey<?>, Object> all = new HashMap<>(Map.of(TelegramSettings.TOKEN, TOKEN));
    all.putAll(values);
    return Config.defaults(ConfigSchema.of(TelegramSettings.keys())).with(all);
  }

  private static ConfigException fails(Map<ConfigKey<?>, Object> values) {
    return catchThrowableOfType(ConfigException.class, () -> TelegramSettings.from(config(values)));
  }

  @Test
  void theTokenAloneIsEnoughToEnableTelegram() {
    TelegramAdapterFactory f = new TelegramAdapterFactory();
    Config schemaOnly = Config.defaults(ConfigSchema.of(TelegramSettings.keys()));
    assertThat(f.enabled(schemaOnly)).isFalse();
    assertThat(f.enabled(config(Map.of()))).isTrue();
    assertThat(f.enabled(config(Map.of(TelegramSettings.ENABLED, false)))).isFalse();
    TelegramSettings s = TelegramSettings.from(config(Map.of()));
    assertThat(s.apiBaseUrl()).hasToString("https://api.telegram.org");
    assertThat(s.mode()).isEqualTo(TelegramSettings.Mode.POLLING);
  }

  @Test
  void webhookModeRefusesToStartWithoutASecret() {
    ConfigException e = fails(Map.of(
        TelegramSettings.MODE,
        TelegramSettings.Mode.WEBHOOK,
        TelegramSettings.WEBHOOK_URL,
        "https://bot.example.org/tg"));
    assertThat(e.key()).isEqualTo("platforms.telegram.webhook_secret");
    assertThat(e.getMessage()).contains("required in webhook mode");
  }

  @Test
  void aWebhookSecretShorterThan32CharactersIsRefusedNamingTheKey() {
    Map<ConfigKey<?>, Object> webhook = new HashMap<>(Map.of(
        TelegramSettings.MODE,
        TelegramSettings.Mode.WEBHOOK,
        TelegramSettings.WEBHOOK_URL,
        "https://bot.example.org/tg"));
    String shortSecret = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"; // 31
    webhook.put(TelegramSettings.WEBHOOK_SECRET, shortSecret);
    ConfigException e = fails(webhook);
    assertThat(e.key()).isEqualTo("platforms.telegram.webhook_secret");
    assertThat(e.getMessage())
        .contains("platforms.telegram.webhook_secret")
        .contains("31 characters")
        .contains("32 to 256")
        .doesNotContain(shortSecret);
    webhook.put(TelegramSettings.WEBHOOK_SECRET, shortSecret + "e");
    assertThat(TelegramSettings.from(config(webhook)).webhookSecret()).hasSize(32);
  }

  @Test
  void badValuesAreNamedAndTheTokenNeverShows() {
    assertThat(fails(Map.of(TelegramSettings.TOKEN, "not-a-token")).getMessage())
        .contains("platforms.telegram.bot_token")
        .doesNotContain("not-a-token");
    assertThat(fails(Map.of(TelegramSettings.API_BASE_URL, "ftp://x")).key())
        .isEqualTo("platforms.telegram.api_base_url");
    assertThat(fails(Map.of(TelegramSettings.WEBHOOK_LISTEN, "8443")).key())
        .isEqualTo("platforms.telegram.webhook_listen");
    assertThat(fails(Map.of(
                TelegramSettings.MODE,
                TelegramSettings.Mode.WEBHOOK,
                TelegramSettings.WEBHOOK_URL,
                "https://x.org/h",
                TelegramSettings.WEBHOOK_SECRET,
                "has spaces"))
            .key())
        .isEqualTo("platforms.telegram.webhook_secret");
  }

  @Test
  void theTokenCheckNamesEachRuleItEnforces() {
    String nineteen = "123456:" + "A".repeat(19);
    ConfigException shortTail = fails(Map.of(TelegramSettings.TOKEN, nineteen));
    assertThat(shortTail.getMessage())
        .contains("digits, a colon, then at least 20 letters, digits, _ and -")
        .doesNotContain(nineteen);
    assertThat(TelegramSettings.from(config(Map.of(TelegramSettings.TOKEN, nineteen + "A")))
            .token())
        .isEqualTo(nineteen + "A");
  }

  @Test
  void theWebhookListenAddressNeedsAHostAndAPortThatExists() {
    for (String bad : new String[] {"8443", ":8443", "host:", "host:0", "host:65536", "h:99999"}) {
      ConfigException e = fails(Map.of(TelegramSettings.WEBHOOK_LISTEN, bad));
      assertThat(e.key()).as(bad).isEqualTo("platforms.telegram.webhook_listen");
      assertThat(e.getMessage())
          .as(bad)
          .contains("a host before the last colon and a port from 1 to 65535 after it");
    }
    TelegramSettings s =
        TelegramSettings.from(config(Map.of(TelegramSettings.WEBHOOK_LISTEN, "[::1]:65535")));
    assertThat(s.webhookHost()).isEqualTo("[::1]");
    assertThat(s.webhookPort()).isEqualTo(65535);
  }

  @Test
  void aWrongTypeFromTheEnvironmentNeverEchoesTheToken() {
    ConfigLoader loader = new ConfigLoader(ConfigSchema.of(TelegramSettings.keys()));
    Config c =
        loader.load(home, Map.of("TELEGRAM_BOT_TOKEN", TOKEN, "TELEGRAM_ALLOWED_USERS", "1, 2 ,3"));
    assertThat(c.get(TelegramSettings.ALLOWED_USERS)).containsExactly("1", "2", "3");
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> loader.load(
            home, Map.of("TELEGRAM_BOT_TOKEN", TOKEN, "TELEGRAM_POLL_TIMEOUT", "forever")));
    assertThat(e.getMessage()).contains("TELEGRAM_POLL_TIMEOUT").doesNotContain(TOKEN);
  }
}
