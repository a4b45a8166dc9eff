package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token or a user and password, a homeserver; each missing piece named, no secret shown. */
class MatrixSettingsTest {
  private static final String TOKEN = "syt_c3dpdGNoYm9hcmQ_settingstoken";
  private static final String PASSWORD = "correct-horse-battery";
  private static final String HS = "https://matrix.example.org";

  private static Config config(Map<ConfigKey<?>, Object> values) {
    return Config.defaults(ConfigSchema.of(MatrixSettings.keys())).with(new HashMap<>(values));
  }

  private static ConfigException refused(Map<ConfigKey<?>, Object> values) {
    return catchThrowableOfType(ConfigException.class, () -> MatrixSettings.from(config(values)));
  }

  @Test
  void aTokenAndAHomeserverAreEnoughAndNeitherSecretIsShown() {
    MatrixSettings s = MatrixSettings.from(
        config(Map.of(MatrixSettings.ACCESS_TOKEN, TOKEN, MatrixSettings.HOMESERVER, HS + "/")));
    assertThat(s.homeserver()).hasToString(HS);
    assertThat(s.toString()).doesNotContain(TOKEN);
    MatrixSettings login = MatrixSettings.from(config(Map.of(
        MatrixSettings.PASSWORD, PASSWORD,
        MatrixSettings.USER, "@switchboard:example.org",
        MatrixSettings.HOMESERVER, HS)));
    assertThat(login.accessToken()).isNull();
    assertThat(login.toString()).doesNotContain(PASSWORD);
  }

  @Test
  void allowedAndAdminUsersMayInviteTheBot() {
    MatrixSettings s = MatrixSettings.from(config(Map.of(
        MatrixSettings.ACCESS_TOKEN,
        TOKEN,
        MatrixSettings.HOMESERVER,
        HS,
        MatrixSettings.ALLOWED_USERS,
        List.of("@bob:example.org"),
        MatrixSettings.ADMIN_USERS,
        List.of("@ada:example.org"))));
    assertThat(s.allowedInviters())
        .containsExactlyInAnyOrder("@bob:example.org", "@ada:example.org");
  }

  @Test
  void eachMissingPieceIsNamed() {
    assertThat(refused(Map.of(MatrixSettings.ACCESS_TOKEN, TOKEN)).key())
        .isEqualTo("platforms.matrix.homeserver");
    ConfigException noCredential = refused(Map.of(MatrixSettings.HOMESERVER, HS));
    assertThat(noCredential.key()).isEqualTo("platforms.matrix.access_token");
    assertThat(noCredential.getMessage()).contains("MATRIX_USER").contains("MATRIX_PASSWORD");
    ConfigException noUser =
        refused(Map.of(MatrixSettings.PASSWORD, PASSWORD, MatrixSettings.HOMESERVER, HS));
    assertThat(noUser.key()).isEqualTo("platforms.matrix.user");
    assertThat(noUser.getMessage()).doesNotContain(PASSWORD);
    ConfigException badUser = refused(Map.of(
        MatrixSettings.PASSWORD, PASSWORD,
        MatrixSettings.USER, "switchboard",
        MatrixSettings.HOMESERVER, HS));
    assertThat(badUser.key()).isEqualTo("platforms.matrix.user");
    assertThat(badUser.getMessage()).contains("'switchboard'");
    assertThat(refused(
                Map.of(MatrixSettings.ACCESS_TOKEN, TOKEN, MatrixSettings.HOMESERVER, "matrix.org"))
            .key())
        .isEqualTo("platforms.matrix.homeserver");
  }
}
