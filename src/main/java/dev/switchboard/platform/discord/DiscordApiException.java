package dev.switchboard.platform.discord;

import dev.switchboard.platform.PlatformException;
import org.jspecify.annotations.Nullable;

/**
 * An error answer from Discord's REST API, with its HTTP status and Discord's JSON error code
 * (40005 "Request entity too large", 50035 "Invalid Form Body"; 0 when the answer had none), so
 * a caller can tell one refusal from another without reading the message.
 */
final class DiscordApiException extends PlatformException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final int code;

  /** @param reason Discord's words for a refusal ({@link Kind#REFUSED}), null for others */
  DiscordApiException(String message, Kind kind, int status, int code, @Nullable String reason) {
    super(message, kind, null, null, reason);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  int code() {
    return code;
  }
}
