package dev.switchboard.platform.mattermost;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Mattermost adapter's settings, under {@code platforms.mattermost.}.
 *
 * @param url the server's address as users open it ({@code https://chat.example.com}, with a
 *     subpath if the server has one); the REST API and the WebSocket are under it
 */
record MattermostSettings(String token, URI url, Set<String> channels, Duration editInterval) {
  /** Access tokens are 26 lowercase letters and digits; a little leeway for other servers. */
  private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9]{16,128}");

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.mattermost.enabled",
      "MATTERMOST_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Mattermost adapter on or off; by default it is on when the token is set.");
  static final ConfigKey<String> URL = ConfigKey.optional(
      "platforms.mattermost.url",
      "MATTERMOST_URL",
      ValueType.string(),
      null,
      "The Mattermost server's address, as in the browser (https://chat.example.com).");
  static final ConfigKey<String> TOKEN = ConfigKey.secret(
      "platforms.mattermost.token",
      "MATTERMOST_TOKEN",
      false,
      "A bot account's access token (Integrations, Bot Accounts) or a personal access token."
          + " Setting it enables Mattermost.");
  static final ConfigKey<List<String>> CHANNELS = ConfigKey.optional(
      "platforms.mattermost.channels",
      "MATTERMOST_CHANNELS",
      ValueType.stringList(),
      List.of(),
      "Channel ids where every post is for the bot; elsewhere it answers only when mentioned."
          + " Direct messages are always for the bot.");
  static final ConfigKey<Duration> EDIT_INTERVAL = ConfigKey.optional(
      "platforms.mattermost.edit_interval",
      "MATTERMOST_EDIT_INTERVAL",
      ValueType.duration(Duration.ofMillis(200), Duration.ofMinutes(1)),
      Duration.ofSeconds(1),
      "Shortest time between two edits of a streamed reply.");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.mattermost.allowed_users",
      "MATTERMOST_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Mattermost user ids (26 characters, from the user's profile) allowed to talk to the"
          + " agent.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.mattermost.admin_users",
      "MATTERMOST_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Mattermost user ids who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(ENABLED, URL, TOKEN, CHANNELS, EDIT_INTERVAL, ALLOWED_USERS, ADMIN_USERS);
  }

  static MattermostSettings from(Config c) {
    String token = c.get(TOKEN);
    if (token == null) {
      throw new ConfigException(
          TOKEN.path(), "Mattermost is enabled but has no access token; set " + TOKEN.env());
    }
    if (!TOKEN_SHAPE.matcher(token).matches()) {
      throw new ConfigException(
          TOKEN.path(),
          "expected an access token: letters and digits only (no \"Bearer \", no spaces)");
    }
    String url = c.get(URL);
    if (url == null) {
      throw new ConfigException(
          URL.path(),
          "Mattermost is enabled but has no server address; set " + URL.env()
              + " (https://chat.example.com)");
    }
    return new MattermostSettings(
        token, HttpUrl.parse(URL, url), Set.copyOf(c.get(CHANNELS)), c.get(EDIT_INTERVAL));
  }

  /** REST API v4's base. */
  URI apiBase() {
    return URI.create(url + "/api/v4");
  }

  /** The WebSocket: the same host, ws for http and wss for https. */
  URI websocketUrl() {
    String scheme = url.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
    return URI.create(
        scheme + url.toString().substring(url.getScheme().length()) + "/api/v4/websocket");
  }

  /** Without the token. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("token"));
  }
}
