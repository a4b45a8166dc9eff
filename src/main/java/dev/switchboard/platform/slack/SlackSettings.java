package dev.switchboard.platform.slack;

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

/**
 * The Slack adapter's settings, under {@code platforms.slack.}.
 *
 * @param filesBaseUrl where Slack serves files: the bot token goes with a download to this
 *     origin only
 */
record SlackSettings(
    String botToken, String appToken, URI apiBaseUrl, URI filesBaseUrl, Duration editInterval) {
  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.slack.enabled",
      "SLACK_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Slack adapter on or off; by default it is on when both tokens are set.");
  static final ConfigKey<String> BOT_TOKEN = ConfigKey.secret(
      "platforms.slack.bot_token",
      "SLACK_BOT_TOKEN",
      false,
      "The bot token (xoxb-...) from OAuth & Permissions.");
  static final ConfigKey<String> APP_TOKEN = ConfigKey.secret(
      "platforms.slack.app_token",
      "SLACK_APP_TOKEN",
      false,
      "The app-level token (xapp-...) with connections:write, for" + " Socket Mode.");
  static final ConfigKey<String> API_BASE_URL = ConfigKey.optional(
      "platforms.slack.api_base_url",
      "SLACK_API_BASE_URL",
      ValueType.string(),
      "https://slack.com/api",
      "Slack's Web API base URL.");
  static final ConfigKey<String> FILES_BASE_URL = ConfigKey.optional(
      "platforms.slack.files_base_url",
      "SLACK_FILES_BASE_URL",
      ValueType.string(),
      "https://files.slack.com",
      "Where Slack serves the files users share (url_private); the bot token is sent with a"
          + " download to this host only.");
  static final ConfigKey<Duration> EDIT_INTERVAL = ConfigKey.optional(
      "platforms.slack.edit_interval",
      "SLACK_EDIT_INTERVAL",
      ValueType.duration(Duration.ofMillis(500), Duration.ofMinutes(1)),
      Duration.ofSeconds(1),
      "Shortest time between two edits of a streamed reply (Slack allows about one per second).");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.slack.allowed_users",
      "SLACK_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Slack user ids (U...) allowed to talk to the agent.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.slack.admin_users",
      "SLACK_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Slack user ids who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        BOT_TOKEN,
        APP_TOKEN,
        API_BASE_URL,
        FILES_BASE_URL,
        EDIT_INTERVAL,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static SlackSettings from(Config c) {
    String bot = c.get(BOT_TOKEN);
    String app = c.get(APP_TOKEN);
    if (bot == null || !bot.matches("xoxb-[A-Za-z0-9-]+")) {
      throw new ConfigException(
          BOT_TOKEN.path(),
          bot == null
              ? "Slack is enabled but has no" + " bot token; set " + BOT_TOKEN.env()
              : "expected a bot token: xoxb- followed by letters, digits and -");
    }
    if (app == null || !app.matches("xapp-[A-Za-z0-9-]+")) {
      throw new ConfigException(
          APP_TOKEN.path(),
          app == null
              ? "Slack is enabled but has no" + " app-level token; set " + APP_TOKEN.env()
                  + " (Socket Mode needs it)"
              : "expected an app-level token: xapp- followed by letters, digits and -");
    }
    URI base = HttpUrl.parse(API_BASE_URL, c.get(API_BASE_URL));
    URI files = HttpUrl.parse(FILES_BASE_URL, c.get(FILES_BASE_URL));
    return new SlackSettings(bot, app, base, files, c.get(EDIT_INTERVAL));
  }

  /** Without the bot and app-level tokens. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("botToken", "appToken"));
  }
}
