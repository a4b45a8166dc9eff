/**
 * Telegram: {@link dev.switchboard.platform.telegram.TelegramAdapter} over the Bot API, by long
 * polling or by webhook, replying in Telegram HTML.
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.telegram;
