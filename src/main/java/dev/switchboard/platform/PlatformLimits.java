package dev.switchboard.platform;

import java.time.Duration;

/**
 * What a platform accepts.
 *
 * @param maxMessageLength longest text in one message (Telegram 4096, Discord 2000); a platform
 *     that renders its replies counts it in its own unit, the gateway's split of plain text in
 *     UTF-16 code units
 * @param supportsEdit replies can be streamed by editing one message
 * @param minEditInterval shortest time between two edits of the same message
 * @param perChatPerSecond sustained messages (sends and edits) per chat; 0 for no limit
 * @param perChatBurst messages a chat may take at once before the rate applies
 * @param globalPerSecond sustained messages per second over all chats; 0 for no limit
 */
public record PlatformLimits(
    int maxMessageLength,
    boolean supportsEdit,
    Duration minEditInterval,
    double perChatPerSecond,
    int perChatBurst,
    double globalPerSecond) {

  public PlatformLimits {
    if (maxMessageLength < 16) {
      throw new IllegalArgumentException("maxMessageLength too small: " + maxMessageLength);
    }
    if (perChatPerSecond < 0 || globalPerSecond < 0 || perChatBurst < 1) {
      throw new IllegalArgumentException("bad rate limits");
    }
  }

  /** Limits with no rate limiting, for platforms (and tests) that need none. */
  public PlatformLimits(int maxMessageLength, boolean supportsEdit, Duration minEditInterval) {
    this(maxMessageLength, supportsEdit, minEditInterval, 0, 1, 0);
  }
}
