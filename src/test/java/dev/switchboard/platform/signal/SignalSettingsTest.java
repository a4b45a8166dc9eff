package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.CoreKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalSettingsTest {
  private static final String UUID = "0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d";

  @TempDir
  Path home;

  private Config config(Map<String, String> env) {
    return new ConfigLoader(ConfigSchema.of(SignalSettings.keys())).load(home, env);
  }

  private SignalSettings settings(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("SIGNAL_ACCOUNT", "+4915112345678"));
    env.putAll(extra);
    return SignalSettings.from(config(env));
  }

  private ConfigException refused(Map<String, String> extra) {
    return catchThrowableOfType(ConfigException.class, () -> settings(extra));
  }

  @Test
  void defaultsTalkToALocalDaemonWithReadReceiptsAndNoReaction() {
    SignalSettings s = settings(Map.of());
    assertThat(s.account()).isEqualTo("+4915112345678");
    assertThat(s.url()).hasToString("http://127.0.0.1:8080");
    assertThat(s.readReceipts()).isTrue();
    assertThat(s.ackReaction()).isNull();
    assertThat(s.allowedUsers()).isEmpty();
  }

  @Test
  void usersAreNumbersOrUuidsAndUuidsAreKeptInLowerCase() {
    SignalSettings s = settings(Map.of(
        "SIGNAL_ALLOWED_USERS", "+14155550123, " + UUID,
        "SIGNAL_ADMIN_USERS", "+14155550123",
        "SIGNAL_URL", "http://localhost:9090/",
        "SIGNAL_ACK_REACTION", "\uD83D\uDC40",
        "SIGNAL_READ_RECEIPTS", "false"));
    assertThat(s.allowedUsers()).containsExactly("+14155550123", UUID.toLowerCase());
    assertThat(s.adminUsers()).containsExactly("+14155550123");
    assertThat(s.url()).hasToString("http://localhost:9090");
    assertThat(s.ackReaction()).isEqualTo("\uD83D\uDC40");
    assertThat(s.readReceipts()).isFalse();
    assertThat(new SignalAdapterFactory()
            .allowedUsers(
                config(Map.of("SIGNAL_ACCOUNT", "+4915112345678", "SIGNAL_ALLOWED_USERS", UUID))))
        .containsExactly(UUID.toLowerCase());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    ConfigException noAccount = catchThrowableOfType(
        ConfigException.class, () -> SignalSettings.from(config(Map.of("SIGNAL_ENABLED", "true"))));
    assertThat(noAccount.getMessage())
        .contains("platforms.signal.account")
        .contains("SIGNAL_ACCOUNT");
    for (String bad : new String[] {"004915112345678", "+49 151 1234567", "+0123456789", "+12"}) {
      assertThat(refused(Map.of("SIGNAL_ACCOUNT", bad)).getMessage())
          .contains("platforms.signal.account")
          .contains("E.164");
    }
    assertThat(refused(Map.of("SIGNAL_URL", "127.0.0.1:8080")).getMessage())
        .contains("platforms.signal.url");
    assertThat(refused(Map.of("SIGNAL_URL", "http://127.0.0.1:8080/?x=1")).getMessage())
        .contains("platforms.signal.url");
    assertThat(refused(Map.of("SIGNAL_ALLOWED_USERS", "+1415, bob")).getMessage())
        .contains("platforms.signal.allowed_users")
        .contains("'+1415'");
    assertThat(refused(Map.of("SIGNAL_ADMIN_USERS", "alice")).getMessage())
        .contains("platforms.signal.admin_users");
    assertThat(refused(Map.of("SIGNAL_ACK_REACTION", "ok")).getMessage())
        .contains("platforms.signal.ack_reaction");
    assertThat(
            refused(Map.of("SIGNAL_ACK_REACTION", "\uD83D\uDC40\uD83D\uDC4D")).getMessage())
        .contains("platforms.signal.ack_reaction");
  }

  @Test
  void anEmojiOfSeveralCodePointsIsOneReaction() {
    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // ZWJ sequence
    assertThat(settings(Map.of("SIGNAL_ACK_REACTION", family)).ackReaction()).isEqualTo(family);
    assertThat(settings(Map.of("SIGNAL_ACK_REACTION", "\u2705")).ackReaction()).isEqualTo("\u2705");
  }

  @Test
  void theGatewayWideListsAddTheirSignalNumbersAndUuids() {
    List<ConfigKey<?>> keys = new ArrayList<>(SignalSettings.keys());
    keys.add(CoreKeys.ALLOWED_USERS);
    keys.add(CoreKeys.ADMIN_USERS);
    Config c = new ConfigLoader(ConfigSchema.of(keys))
        .load(
            home,
            Map.of(
                "SIGNAL_ACCOUNT", "+4915112345678",
                "SWITCHBOARD_ALLOWED_USERS",
                    "signal:+14155550123, telegram:+14155550999, +14155550777, 42",
                "SWITCHBOARD_ADMIN_USERS", "signal:" + UUID));
    assertThat(SignalAdapterFactory.gatewayWide(c))
        .containsExactlyInAnyOrder("+14155550123", "+14155550777", UUID.toLowerCase());
  }
}
