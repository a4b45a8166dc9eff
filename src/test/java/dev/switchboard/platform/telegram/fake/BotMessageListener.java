package dev.switchboard.platform.telegram.fake;

/**
 * Hears every message the bot sends and every edit of one, with its visible text as it then
 * stands ({@link FakeTelegramServer#onBotMessage}).
 */
@FunctionalInterface
public interface BotMessageListener {
  void changed(long chatId, int messageId, String text);
}
