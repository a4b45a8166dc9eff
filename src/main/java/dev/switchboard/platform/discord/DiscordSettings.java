package dev.switchboard.platform.discord;

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

/** The Discord adapter's settings, under {@code platforms.discord.}. */
record DiscordSettings(
    String token, URI apiBaseUrl, URI cdnBaseUrl, Set<String> channels, Duration editInterval) {
  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.discord.enabled",
      "DISCORD_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Discord adapter on or off; by default it is on when a bot token is set.");
  static final ConfigKey<String> TOKEN = ConfigKey.secret(
      "platforms.discord.bot_token",
      "DISCORD_BOT_TOKEN",
      false,
      "The bot token from the Developer Portal (Bot, Reset Token)."
          + " Setting it enables Discord.");
  static final ConfigKey<String> API_BASE_URL = ConfigKey.optional(
      "platforms.discord.api_base_url",
      "DISCORD_API_BASE_URL",
      ValueType.string(),
      DiscordRest.DEFAULT_BASE.toString(),
      "Discord's REST API base URL (the gateway's address"
          + " comes from GET /gateway/bot there).");
  static final ConfigKey<String> CDN_BASE_URL = ConfigKey.optional(
      "platforms.discord.cdn_base_url",
      "DISCORD_CDN_BASE_URL",
      ValueType.string(),
      AttachmentLinks.DISCORD_CDN.toString(),
      "Where Discord serves the files users attach. Files are fetched only from there, from"
          + " Discord's own CDN hosts and from the API base URL's host, never from another"
          + " address a message names.");
  static final ConfigKey<List<String>> CHANNELS = ConfigKey.optional(
      "platforms.discord.channels",
      "DISCORD_CHANNELS",
      ValueType.stringList(),
      List.of(),
      "Guild channel (or thread) ids where every message is for the bot; elsewhere in guilds it"
          + " answers only when mentioned. Direct messages are always for the bot.");
  static final ConfigKey<Duration> EDIT_INTERVAL = ConfigKey.optional(
      "platforms.discord.edit_interval",
      "DISCORD_EDIT_INTERVAL",
      ValueType.duration(Duration.ofMillis(200), Duration.ofMinutes(1)),
      Duration.ofSeconds(1),
      "Shortest time between two edits of a streamed reply.");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.discord.allowed_users",
      "DISCORD_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Discord user ids allowed to talk to the agent.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.discord.admin_users",
      "DISCORD_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Discord user ids who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        TOKEN,
        API_BASE_URL,
        CDN_BASE_URL,
        CHANNELS,
        EDIT_INTERVAL,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static DiscordSettings from(Config c) {
    String token = c.get(TOKEN);
    if (token == null) {
      throw new ConfigException(
          TOKEN.path(), "Discord is enabled but has no bot token; set " + TOKEN.env());
    }
    if (!token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")) {
      throw new ConfigException(
          TOKEN.path(),
          "does not look like a Discord bot token (three"
              + " parts of letters, digits, _ and - separated by dots; without 'Bot ')");
    }
    URI base = HttpUrl.parse(API_BASE_URL, c.get(API_BASE_URL));
    URI cdn = HttpUrl.parse(CDN_BASE_URL, c.get(CDN_BASE_URL));
    return new DiscordSettings(token, base, cdn, Set.copyOf(c.get(CHANNELS)), c.get(EDIT_INTERVAL));
  }

  /** Without the bot token. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("token"));
  }
}
