package dev.switchboard.platform;

import java.time.Duration;

/**
 * What a platform accepts in one outbound call.
 *
 * @param maxMessageLength longest text in one message, in UTF-16 code units (Telegram 4096,
 *     Discord 2000)
 * @param supportsEdit replies can be streamed by editing one message
 * @param minEditInterval shortest time between two edits of the same message
 */
public record PlatformLimits(int maxMessageLength, boolean supportsEdit, Duration minEditInterval) {
  public PlatformLimits {
    if (maxMessageLength < 16) {
      throw new IllegalArgumentException("maxMessageLength too small: " + maxMessageLength);
    }
  }
}
