package dev.switchboard.platform.discord;

/** Gateway intents (Discord API v10): which events the gateway sends us. */
final class DiscordIntents {
  static final int GUILDS = 1;
  static final int GUILD_MESSAGES = 1 << 9;
  static final int DIRECT_MESSAGES = 1 << 12;
  /** Privileged: without it guild messages arrive with empty content unless we are mentioned. */
  static final int MESSAGE_CONTENT = 1 << 15;

  /** Guild channels and threads, DMs, and the text of the messages. */
  static final int DEFAULT = GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT;

  private DiscordIntents() {}
}
