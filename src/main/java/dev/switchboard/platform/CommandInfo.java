package dev.switchboard.platform;

/** A slash command as a platform's command menu shows it (Telegram's setMyCommands). */
public record CommandInfo(String name, String description) {}
