package dev.switchboard.platform.matrix;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Matrix adapter's settings, under {@code platforms.matrix.}: the homeserver, and either an
 * access token or a user and password to log in with once.
 *
 * @param accessToken null when the adapter logs in with {@code user} and {@code password}
 */
record MatrixSettings(
    URI homeserver,
    @Nullable String accessToken,
    @Nullable String user,
    @Nullable String password,
    Set<String> rooms,
    Set<String> allowedInviters,
    Duration editInterval) {
  /** A full user id: {@code @localpart:server}. */
  static final Pattern USER_ID = Pattern.compile("@[a-z0-9._=/+-]+:[A-Za-z0-9.:\\[\\]-]+");

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.matrix.enabled",
      "MATRIX_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Matrix adapter on or off; by default it is on when an access token or a"
          + " password is set.");
  static final ConfigKey<String> HOMESERVER = ConfigKey.optional(
      "platforms.matrix.homeserver",
      "MATRIX_HOMESERVER",
      ValueType.string(),
      null,
      "The homeserver's client API address (https://matrix.example.org).");
  static final ConfigKey<String> ACCESS_TOKEN = ConfigKey.secret(
      "platforms.matrix.access_token",
      "MATRIX_ACCESS_TOKEN",
      false,
      "The bot account's access token. Setting it enables Matrix.");
  static final ConfigKey<String> USER = ConfigKey.optional(
      "platforms.matrix.user",
      "MATRIX_USER",
      ValueType.string(),
      null,
      "The bot account's user id (@bot:example.org), to log in with the password.");
  static final ConfigKey<String> PASSWORD = ConfigKey.secret(
      "platforms.matrix.password",
      "MATRIX_PASSWORD",
      false,
      "The bot account's password: the gateway logs in once and keeps the access token in the"
          + " state directory. Setting it enables Matrix.");
  static final ConfigKey<List<String>> ROOMS = ConfigKey.optional(
      "platforms.matrix.rooms",
      "MATRIX_ROOMS",
      ValueType.stringList(),
      List.of(),
      "Room ids (!abc:example.org) where every message is for the bot; elsewhere in rooms it"
          + " answers only when mentioned. Direct messages are always for the bot.");
  static final ConfigKey<Duration> EDIT_INTERVAL = ConfigKey.optional(
      "platforms.matrix.edit_interval",
      "MATRIX_EDIT_INTERVAL",
      ValueType.duration(Duration.ofMillis(500), Duration.ofMinutes(1)),
      Duration.ofSeconds(2),
      "Shortest time between two edits of a streamed reply (each edit is a new event).");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.matrix.allowed_users",
      "MATRIX_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Matrix user ids (@alice:example.org) allowed to talk to the agent; their invites to rooms"
          + " are accepted.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.matrix.admin_users",
      "MATRIX_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Matrix user ids who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        HOMESERVER,
        ACCESS_TOKEN,
        USER,
        PASSWORD,
        ROOMS,
        EDIT_INTERVAL,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static MatrixSettings from(Config c) {
    String homeserver = c.get(HOMESERVER);
    if (homeserver == null) {
      throw new ConfigException(
          HOMESERVER.path(),
          "Matrix is enabled but has no homeserver; set " + HOMESERVER.env()
              + " (https://matrix.example.org)");
    }
    URI url = HttpUrl.parse(HOMESERVER, homeserver);
    String token = c.get(ACCESS_TOKEN);
    String user = c.get(USER);
    String password = c.get(PASSWORD);
    if (token != null && token.isBlank()) {
      throw new ConfigException(ACCESS_TOKEN.path(), "the access token is empty");
    }
    if (token == null) {
      if (password == null) {
        throw new ConfigException(
            ACCESS_TOKEN.path(),
            "Matrix is enabled but has neither an access token nor a password; set "
                + ACCESS_TOKEN.env() + ", or " + USER.env() + " and " + PASSWORD.env());
      }
      if (user == null || !USER_ID.matcher(user).matches()) {
        throw new ConfigException(
            USER.path(),
            user == null
                ? "a password login needs the user id; set " + USER.env() + " (@bot:example.org)"
                : "expected a user id such as @bot:example.org, got '" + user + "'");
      }
    }
    Set<String> inviters = new HashSet<>(c.get(ALLOWED_USERS));
    inviters.addAll(c.get(ADMIN_USERS));
    return new MatrixSettings(
        url,
        token,
        user,
        password,
        Set.copyOf(c.get(ROOMS)),
        Set.copyOf(inviters),
        c.get(EDIT_INTERVAL));
  }

  /** Without the access token and the password. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("accessToken", "password"));
  }
}
