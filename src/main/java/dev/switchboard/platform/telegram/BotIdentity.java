package dev.switchboard.platform.telegram;

/** Who the bot is, from getMe: needed to tell mentions and replies to it from the rest. */
record BotIdentity(long id, String username) {}
