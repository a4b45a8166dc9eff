package dev.switchboard.platform.whatsapp;

import static dev.switchboard.platform.whatsapp.WhatsAppTesting.config;
import static dev.switchboard.platform.whatsapp.WhatsAppTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhatsAppSettingsTest {
  @TempDir
  Path home;

  private static ConfigException fails(Map<ConfigKey<?>, Object> values) {
    return catchThrowableOfType(ConfigException.class, () -> settings(values));
  }

  @Test
  void theAccessTokenEnablesWhatsAppAndTheDefaultsAreMetas() {
    WhatsAppAdapterFactory f = new WhatsAppAdapterFactory();
    assertThat(f.enabled(Config.defaults(ConfigSchema.of(WhatsAppSettings.keys()))))
        .isFalse();
    assertThat(f.enabled(config(Map.of()))).isTrue();
    assertThat(f.enabled(config(Map.of(WhatsAppSettings.ENABLED, false)))).isFalse();
    WhatsAppSettings s = settings(Map.of());
    assertThat(s.apiUrl()).hasToString("https://graph.facebook.com");
    assertThat(s.apiVersion()).isEqualTo("v23.0");
    assertThat(s.webhookHost()).isEqualTo("127.0.0.1");
    assertThat(s.webhookPort()).isEqualTo(8444);
    assertThat(s.webhookPath()).isEqualTo("/whatsapp");
    assertThat(s.templateName()).isNull();
    assertThat(s.templateLanguage()).isEqualTo("en_US");
    assertThat(s.linkPreviews()).isFalse();
  }

  @Test
  void eachMissingRequiredSettingIsNamed() {
    for (ConfigKey<String> key : List.of(
        WhatsAppSettings.PHONE_NUMBER_ID,
        WhatsAppSettings.APP_SECRET,
        WhatsAppSettings.VERIFY_TOKEN)) {
      Map<ConfigKey<?>, Object> values = new HashMap<>();
      values.put(key, "   ");
      ConfigException e = fails(values);
      assertThat(e.key()).isEqualTo(key.path());
      assertThat(e.getMessage()).contains("WhatsApp is enabled but has no").contains(key.env());
    }
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    Map<ConfigKey<String>, String> bad = Map.of(
        WhatsAppSettings.PHONE_NUMBER_ID, "+1 555 0100",
        WhatsAppSettings.API_VERSION, "23",
        WhatsAppSettings.API_URL, "graph.facebook.com",
        WhatsAppSettings.WEBHOOK_LISTEN, "8444",
        WhatsAppSettings.WEBHOOK_PATH, "whatsapp",
        WhatsAppSettings.TEMPLATE_NAME, "Hello World",
        WhatsAppSettings.TEMPLATE_LANGUAGE, "english",
        WhatsAppSettings.VERIFY_TOKEN, "short",
        WhatsAppSettings.ACCESS_TOKEN, "has spaces in it, not a token");
    bad.forEach((key, value) -> {
      ConfigException e = fails(Map.of(key, value));
      assertThat(e).as(key.path()).isNotNull();
      assertThat(e.key()).isEqualTo(key.path());
    });
    assertThat(fails(Map.of(WhatsAppSettings.WEBHOOK_LISTEN, "127.0.0.1:70000")).getMessage())
        .contains("a port from 1 to 65535");
  }

  @Test
  void theAccessTokenAndSecretsComeFromTheEnvironmentAndNeverShowInToString() {
    ConfigSchema schema = ConfigSchema.of(WhatsAppSettings.keys());
    Config c = new ConfigLoader(schema)
        .load(
            home,
            Map.of(
                "WHATSAPP_ACCESS_TOKEN", WhatsAppTesting.TOKEN,
                "WHATSAPP_PHONE_NUMBER_ID", WhatsAppTesting.PHONE_ID,
                "WHATSAPP_APP_SECRET", WhatsAppTesting.APP_SECRET,
                "WHATSAPP_VERIFY_TOKEN", WhatsAppTesting.VERIFY,
                "WHATSAPP_TEMPLATE_NAME", "reopen_chat"));
    WhatsAppSettings s = WhatsAppSettings.from(c);
    assertThat(s.accessToken()).isEqualTo(WhatsAppTesting.TOKEN);
    assertThat(s.appSecret()).isEqualTo(WhatsAppTesting.APP_SECRET);
    assertThat(s.verifyToken()).isEqualTo(WhatsAppTesting.VERIFY);
    assertThat(s.templateName()).isEqualTo("reopen_chat");
    assertThat(s.toString())
        .doesNotContain(WhatsAppTesting.TOKEN)
        .doesNotContain(WhatsAppTesting.APP_SECRET)
        .doesNotContain(WhatsAppTesting.VERIFY)
        .contains(WhatsAppTesting.PHONE_ID);
  }

  @Test
  void allowlistsTakeNumbersAsWrittenAndKeepTheirWaIds() {
    Config c = config(Map.of(
        WhatsAppSettings.ALLOWED_USERS,
        List.of("+1 (555) 010-0100", "447700900123"),
        WhatsAppSettings.ADMIN_USERS,
        List.of("+44 7700 900123")));
    WhatsAppAdapterFactory f = new WhatsAppAdapterFactory();
    assertThat(f.allowedUsers(c)).containsExactly("15550100100", "447700900123");
    assertThat(f.adminUsers(c)).containsExactly("447700900123");
    ConfigException e = catchThrowableOfType(
        ConfigException.class,
        () -> f.allowedUsers(config(Map.of(WhatsAppSettings.ALLOWED_USERS, List.of("bob")))));
    assertThat(e.key()).isEqualTo("platforms.whatsapp.allowed_users");
    assertThat(e.getMessage()).contains("'bob' is not a WhatsApp number");
  }
}
