package dev.switchboard.platform.signal;

import dev.switchboard.platform.PlatformException;
import java.time.Duration;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A JSON-RPC error object from signal-cli ({@code {"code":…,"message":…,"data":…}}) and what it
 * means for a retry. The codes are signal-cli's (SignalJsonRpcCommandHandler): -1 a user error
 * (an unregistered recipient, a group we are not in), -3 an I/O error, -4 an untrusted identity
 * (a changed safety number), -5 rate limiting (a proof-required challenge included), -6 a
 * rejected captcha, and the JSON-RPC ones (-32600 invalid request, -32601 no such method,
 * -32602 invalid params, such as an account the daemon does not have, -32603 internal). For a
 * failed send, {@code data.response.results[]} tells each recipient's outcome ({@code type}:
 * SUCCESS, NETWORK_FAILURE, UNREGISTERED_FAILURE, IDENTITY_FAILURE, RATE_LIMIT_FAILURE,
 * INVALID_PRE_KEY_FAILURE; {@code retryAfterSeconds}, and {@code token} for a proof required).
 */
record RpcError(int code, String message, JsonNode data) {
  static final int USER_ERROR = -1;
  static final int IO_ERROR = -3;
  static final int UNTRUSTED_KEY = -4;
  static final int RATE_LIMIT = -5;
  static final int CAPTCHA_REJECTED = -6;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;

  /** How long to wait when Signal rate limits us without saying for how long. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  static RpcError of(JsonNode error) {
    return new RpcError(
        error.path("code").asInt(INTERNAL_ERROR),
        error.path("message").asString(""),
        error.path("data"));
  }

  /** The daemon does not serve this account (multi-account mode): nothing to retry. */
  boolean unknownAccount() {
    return code == INVALID_PARAMS && message.toLowerCase(Locale.ROOT).contains("account");
  }

  /** True when some recipient's result has {@code type}. */
  boolean anyResult(String type) {
    for (JsonNode r : data.path("response").path("results")) {
      if (type.equals(r.path("type").asString(""))) {
        return true;
      }
    }
    return false;
  }

  /** True when a rate limit came as a proof-required challenge (a captcha to solve). */
  boolean proofRequired() {
    for (JsonNode r : data.path("response").path("results")) {
      if (r.hasNonNull("token")) {
        return true;
      }
    }
    return false;
  }

  /** The longest retryAfterSeconds of any recipient, or the default. */
  Duration retryAfter() {
    long longest = 0;
    for (JsonNode r : data.path("response").path("results")) {
      longest = Math.max(longest, r.path("retryAfterSeconds").asLong(0));
    }
    return longest > 0 ? Duration.ofSeconds(longest) : DEFAULT_RETRY_AFTER;
  }

  /**
   * As a platform failure of {@code method}: rate limits and proof required back off, I/O and
   * internal errors are retried, an untrusted identity is refused with the reason, an
   * unregistered recipient, a group we are not in and every other user error are final, except
   * the message itself refused (a text style signal-cli cannot read), which a plainer one fixes.
   */
  PlatformException toPlatformException(String method) {
    String said = "signal-cli " + method + " failed (" + code + "): " + message;
    if (code == RATE_LIMIT
        || (code == USER_ERROR
            && anyResult("RATE_LIMIT_FAILURE")
            && !anyResult("UNREGISTERED_FAILURE"))) {
      String why = proofRequired()
          ? said + "; Signal asks for a proof (a captcha): solve it and run signal-cli"
              + " submitRateLimitChallenge, see docs/platforms/signal.md"
          : said;
      return PlatformException.rateLimited(why, retryAfter());
    }
    if (code == UNTRUSTED_KEY || (code == USER_ERROR && anyResult("IDENTITY_FAILURE"))) {
      return PlatformException.refused(
          said,
          "the recipient's safety number changed and is not trusted yet (signal-cli trust)",
          null);
    }
    if (code == USER_ERROR && refusesTheMessage()) {
      return PlatformException.refused(said, message, null);
    }
    if (code == IO_ERROR
        || code == INTERNAL_ERROR
        || (code == USER_ERROR && onlyNetworkFailures())) {
      return new PlatformException(said, PlatformException.Kind.TRANSIENT, null, null);
    }
    return new PlatformException(said, true);
  }

  /**
   * signal-cli's words for a message it will not take as it is (SendCommand): a text style or
   * mention it cannot read, an empty message. A plainer message may go.
   */
  private boolean refusesTheMessage() {
    return message.startsWith("Invalid textStyle")
        || message.startsWith("Invalid style")
        || message.startsWith("Invalid mention")
        || message.startsWith("Sending empty message");
  }

  private boolean onlyNetworkFailures() {
    JsonNode results = data.path("response").path("results");
    if (results.isEmpty()) {
      return false;
    }
    for (JsonNode r : results) {
      if (!"NETWORK_FAILURE".equals(r.path("type").asString(""))) {
        return false;
      }
    }
    return true;
  }
}
