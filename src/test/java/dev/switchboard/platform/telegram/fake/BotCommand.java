package dev.switchboard.platform.telegram.fake;

/** One entry of the bot's command menu (Bot API BotCommand), as stored after validation. */
public record BotCommand(String command, String description) {}
