package dev.switchboard.platform.whatsapp;

import dev.switchboard.platform.PlatformException;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Graph API call that failed, classified by what we know about its effect. Meta's error body
 * is {@code {"error": {"message", "type", "code", "error_subcode", "error_data": {"details"},
 * "fbtrace_id"}}}; the message here is built from it and never holds the access token.
 */
final class GraphApiException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What we know about the request. */
  enum Kind {
    /** Meta answered with an error: the call had no effect. */
    API_ERROR,
    /** The request never reached Meta (connection refused, DNS): no effect. */
    NOT_SENT,
    /** The request may have reached Meta, the answer did not reach us. */
    NO_ANSWER
  }

  /** Access token expired, revoked or invalid. */
  static final int TOKEN_REFUSED = 190;
  /** Outside the 24-hour customer service window: only a template may go. */
  static final int OUTSIDE_WINDOW = 131047;

  /**
   * Throughput (130429), pair rate (131056, too many messages to one user), and the app's or
   * account's call limits (4, 80007 and Graph's 17, 32, 613).
   */
  private static final Set<Integer> RATE_LIMITS = Set.of(4, 17, 32, 613, 80007, 130429, 131056);
  /** The recipient cannot be reached: not a WhatsApp user (131026), blocked the business (368). */
  private static final Set<Integer> UNDELIVERABLE = Set.of(131026, 368, 131031, 131045);
  /**
   * The message itself was refused: invalid parameter (100), parameter value not valid
   * (131009), required parameter missing (131008), unsupported message type (131051),
   * media upload error (131053), too long or malformed text.
   */
  private static final Set<Integer> REFUSALS = Set.of(100, 131008, 131009, 131051, 131053);
  /** Meta's own trouble: unknown (1, 131000), service unavailable (2, 131016, 133004). */
  private static final Set<Integer> META_TROUBLE = Set.of(1, 2, 131000, 131016, 133004);
  /** How long to wait after a rate limit when Meta did not say (it seldom does). */
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(15);

  private final Kind kind;
  private final int httpStatus;
  private final int code;
  private final int subcode;
  private final String description;
  private final String details;
  private final @Nullable Duration retryAfter;

  GraphApiException(
      Kind kind,
      int httpStatus,
      int code,
      int subcode,
      String description,
      String details,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(description, cause);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.code = code;
    this.subcode = subcode;
    this.description = description;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  static GraphApiException network(Kind kind, String description, @Nullable Throwable cause) {
    return new GraphApiException(kind, 0, 0, 0, description, "", null, cause);
  }

  /** What failed, without the token; unlike an exception's message in general, never null. */
  @Override
  public String getMessage() {
    return description;
  }

  Kind kind() {
    return kind;
  }

  /** The HTTP status of Meta's answer; 0 when there was none. */
  int httpStatus() {
    return httpStatus;
  }

  /** Meta's error code ({@code error.code}); 0 when there was none. */
  int code() {
    return code;
  }

  int subcode() {
    return subcode;
  }

  /** {@code error.error_data.details}, or {@code error.message} when it gave none. */
  String details() {
    return details;
  }

  boolean tokenRefused() {
    return kind == Kind.API_ERROR && code == TOKEN_REFUSED;
  }

  boolean outsideWindow() {
    return kind == Kind.API_ERROR && code == OUTSIDE_WINDOW;
  }

  /**
   * What the failure means for the delivery layer. HTTP 429 and Meta's rate-limit codes are
   * rate-limited (Retry-After when given, else {@link #DEFAULT_BACKOFF}); a refused message
   * (100, 131009, ...) is {@link PlatformException.Kind#REFUSED} with Meta's details as the
   * reason, so a smaller or plainer form may be tried; Meta's own trouble and 5xx are transient;
   * an unreachable recipient, a refused token and anything else are fatal (not retried). A call
   * that got no answer has an unknown outcome when it was {@code sending}, else it is
   * transient.
   */
  PlatformException classified(boolean sending) {
    return switch (kind) {
      case NOT_SENT ->
        new PlatformException(description, PlatformException.Kind.TRANSIENT, null, this);
      case NO_ANSWER ->
        sending
            ? PlatformException.unknownOutcome(description, this)
            : new PlatformException(description, PlatformException.Kind.TRANSIENT, null, this);
      case API_ERROR -> {
        if (httpStatus == 429 || RATE_LIMITS.contains(code)) {
          yield PlatformException.rateLimited(
              description, retryAfter == null ? DEFAULT_BACKOFF : retryAfter);
        }
        if (UNDELIVERABLE.contains(code) || code == TOKEN_REFUSED || code == OUTSIDE_WINDOW) {
          yield new PlatformException(description, PlatformException.Kind.FATAL, null, this);
        }
        if (REFUSALS.contains(code) && sending) {
          yield PlatformException.refused(description, details, this);
        }
        if (META_TROUBLE.contains(code) || httpStatus >= 500) {
          yield new PlatformException(description, PlatformException.Kind.TRANSIENT, null, this);
        }
        yield new PlatformException(description, PlatformException.Kind.FATAL, null, this);
      }
    };
  }
}
