package dev.switchboard.store.postgresql;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.config.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the gateway reaches its PostgreSQL database. The password is never part of {@code
 * store.url}: it comes from {@code SWITCHBOARD_DATABASE_PASSWORD} or a file (a Kubernetes
 * Secret mounted as one), or not at all (trust, peer or a client certificate).
 */
record PostgresSettings(
    DatabaseUrl url, String password, int poolSize, Duration startWait, Duration outageWait) {

  static final ConfigKey<String> PASSWORD = ConfigKey.secret(
      "store.postgresql.password",
      "SWITCHBOARD_DATABASE_PASSWORD",
      false,
      "The database user's password, when the server asks for one.");
  static final ConfigKey<String> PASSWORD_FILE = ConfigKey.optional(
      "store.postgresql.password_file",
      "SWITCHBOARD_DATABASE_PASSWORD_FILE",
      ValueType.string(),
      null,
      "A file holding the password (its first line), instead of store.postgresql.password;"
          + " relative to the state directory unless absolute.");
  static final ConfigKey<Integer> POOL_SIZE = ConfigKey.optional(
      "store.postgresql.pool_size",
      "SWITCHBOARD_DATABASE_POOL_SIZE",
      ValueType.integer(2, 100),
      10,
      "Connections this instance keeps open to the database at most.");
  static final ConfigKey<Duration> START_WAIT = ConfigKey.optional(
      "store.postgresql.start_wait",
      "SWITCHBOARD_DATABASE_START_WAIT",
      ValueType.duration(Duration.ZERO, Duration.ofHours(1)),
      Duration.ofMinutes(2),
      "How long a start waits for an unreachable database, trying again with backoff and"
          + " saying why, before it fails.");
  static final ConfigKey<Duration> OUTAGE_WAIT = ConfigKey.optional(
      "store.postgresql.outage_wait",
      "SWITCHBOARD_DATABASE_OUTAGE_WAIT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
      Duration.ofMinutes(2),
      "How long a write waits for a database that went away while running before it fails;"
          + " turns wait meanwhile.");

  static List<ConfigKey<?>> keys() {
    return List.of(PASSWORD, PASSWORD_FILE, POOL_SIZE, START_WAIT, OUTAGE_WAIT);
  }

  static PostgresSettings from(Path home, Config config) {
    if (!config.isSet(CoreKeys.STORE_URL)) {
      throw new ConfigException(
          CoreKeys.STORE_URL.path(),
          "is required by the postgresql store: postgresql://user@host:5432/database");
    }
    DatabaseUrl url = DatabaseUrl.parse(CoreKeys.STORE_URL.path(), config.get(CoreKeys.STORE_URL));
    return new PostgresSettings(
        url,
        password(home, config),
        config.get(POOL_SIZE),
        config.get(START_WAIT),
        config.get(OUTAGE_WAIT));
  }

  private static String password(Path home, Config config) {
    boolean inline = config.isSet(PASSWORD);
    if (inline && config.isSet(PASSWORD_FILE)) {
      throw new ConfigException(
          PASSWORD_FILE.path(), "and store.postgresql.password are both set; keep one");
    }
    if (inline) {
      return config.get(PASSWORD);
    }
    if (!config.isSet(PASSWORD_FILE)) {
      return "";
    }
    Path file = home.resolve(config.get(PASSWORD_FILE));
    try {
      String first =
          Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      if (first.isEmpty()) {
        throw new ConfigException(PASSWORD_FILE.path(), "names " + file + ", which is empty");
      }
      return first;
    } catch (IOException e) {
      throw new ConfigException(
          PASSWORD_FILE.path(), "names " + file + ", which cannot be read: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "PostgresSettings[url=" + url.shown() + ", password="
        + (password.isEmpty() ? "none" : "***") + ", poolSize=" + poolSize + ", startWait="
        + startWait + ", outageWait=" + outageWait + "]";
  }
}
