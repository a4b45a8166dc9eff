package dev.switchboard.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** store.url and the password: what the postgresql store is given, and what it refuses. */
class PostgresSettingsTest {
  private static final PluginCatalog CATALOG = PluginCatalog.discover();

  @TempDir
  Path home;

  private Config load(Map<String, String> env) throws Exception {
    return new ConfigLoader(CATALOG.schema()).load(home, env);
  }

  @Test
  void theUrlBecomesAJdbcUrlWithItsParametersAndTheDefaultPort() {
    DatabaseUrl url =
        DatabaseUrl.parse("store.url", "postgresql://sb@db.internal/switchboard?sslmode=require");
    assertThat(url.jdbc())
        .isEqualTo("jdbc:postgresql://db.internal:5432/switchboard?sslmode=require");
    assertThat(url.user()).isEqualTo("sb");
    assertThat(url.where()).isEqualTo("db.internal:5432/switchboard");
    assertThat(DatabaseUrl.parse("store.url", "postgres://u@[::1]:6543/d").jdbc())
        .isEqualTo("jdbc:postgresql://[::1]:6543/d");
  }

  @Test
  void aBadUrlIsRefusedNamingTheKeyAndNeverShowingAPassword() {
    assertThatThrownBy(() -> DatabaseUrl.parse("store.url", "postgresql://sb:hunter22@db/x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.url")
        .hasMessageContaining("SWITCHBOARD_DATABASE_PASSWORD")
        .hasMessageNotContaining("hunter22");
    assertThatThrownBy(() -> DatabaseUrl.parse(
            "store.url", "postgresql://sb@db/x?sslmode=require&Password=hunter22"))
        .hasMessageContaining("password parameter")
        .hasMessageNotContaining("hunter22");
    assertThatThrownBy(() -> DatabaseUrl.parse("store.url", "mysql://sb@db/x"))
        .hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> DatabaseUrl.parse("store.url", "postgresql://db/x"))
        .hasMessageContaining("no user");
    assertThatThrownBy(() -> DatabaseUrl.parse("store.url", "postgresql://sb@db/"))
        .hasMessageContaining("no database");
    assertThatThrownBy(() -> DatabaseUrl.parse("store.url", "postgresql://sb@db x/y"))
        .hasMessageContaining("not a URL");
  }

  @Test
  void theUrlSelectsThePostgresqlStoreUnlessTheBackendSaysOtherwise() throws Exception {
    assertThat(CATALOG.storeName(load(Map.of()))).isEqualTo("sqlite");
    Config withUrl = load(Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://sb@db/x"));
    assertThat(CATALOG.storeName(withUrl)).isEqualTo("postgresql");

    Config both = load(
        Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://sb@db/x", "SWITCHBOARD_STORE", "sqlite"));
    assertThatThrownBy(() -> CATALOG.storeName(both))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.url")
        .hasMessageContaining("store.backend is 'sqlite'");

    Config noUrl = load(Map.of("SWITCHBOARD_STORE", "postgresql"));
    assertThatThrownBy(() -> PostgresSettings.from(home, noUrl))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.url");
  }

  @Test
  void thePasswordComesFromTheEnvironmentOrTheFirstLineOfAFileNeverBoth() throws Exception {
    String url = "postgresql://sb@db/x";
    assertThat(PostgresSettings.from(home, load(Map.of("SWITCHBOARD_DATABASE_URL", url)))
            .password())
        .isEmpty();
    PostgresSettings inline = PostgresSettings.from(
        home,
        load(Map.of("SWITCHBOARD_DATABASE_URL", url, "SWITCHBOARD_DATABASE_PASSWORD", "s3cret!")));
    assertThat(inline.password()).isEqualTo("s3cret!");
    assertThat(inline.toString()).doesNotContain("s3cret!");

    Files.writeString(home.resolve("db-password"), "from-file\nignored\n");
    assertThat(PostgresSettings.from(
                home,
                load(Map.of(
                    "SWITCHBOARD_DATABASE_URL",
                    url,
                    "SWITCHBOARD_DATABASE_PASSWORD_FILE",
                    "db-password")))
            .password())
        .isEqualTo("from-file");

    Config missingFile =
        load(Map.of("SWITCHBOARD_DATABASE_URL", url, "SWITCHBOARD_DATABASE_PASSWORD_FILE", "nope"));
    assertThatThrownBy(() -> PostgresSettings.from(home, missingFile))
        .hasMessageContaining("store.postgresql.password_file")
        .hasMessageContaining("cannot be read");
    Config both = load(Map.of(
        "SWITCHBOARD_DATABASE_URL", url,
        "SWITCHBOARD_DATABASE_PASSWORD", "a",
        "SWITCHBOARD_DATABASE_PASSWORD_FILE", "db-password"));
    assertThatThrownBy(() -> PostgresSettings.from(home, both)).hasMessageContaining("keep one");
  }
}
