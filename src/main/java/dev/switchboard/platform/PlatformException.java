package dev.switchboard.platform;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A platform call that failed, and what the caller may do about it. The message is shown to
 * operators, so it must not contain credentials.
 */
public class PlatformException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What a failure means for a retry. */
  public enum Kind {
    /** Retrying cannot help: a revoked token, a chat the bot left, a rejected request. */
    FATAL,
    /** Not delivered, try again after a backoff: a 5xx, a refused connection. */
    TRANSIENT,
    /** Not delivered, the platform asked us to wait {@link #retryAfter()} (a 429). */
    RATE_LIMITED,
    /** May or may not have been delivered (the connection broke after the request went out). */
    UNKNOWN_OUTCOME,
    /**
     * Not delivered, and never will be as sent: the platform refused the message itself (too
     * long, malformed; Telegram's 400, Discord's 50035 Invalid Form Body, Slack's {@code
     * msg_too_long}). A smaller or plainer message may go; {@link #reason()} says why.
     */
    REFUSED
  }

  private final Kind kind;
  private final Duration retryAfter;
  private final @Nullable String reason;

  public PlatformException(
      String message, Kind kind, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    this(message, kind, retryAfter, cause, null);
  }

  /** @param reason the platform's own words, fit to show a user (see {@link #reason()}) */
  protected PlatformException(
      String message,
      Kind kind,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause,
      @Nullable String reason) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    this.reason = reason;
  }

  public PlatformException(String message, boolean fatal, @Nullable Throwable cause) {
    this(message, fatal ? Kind.FATAL : Kind.TRANSIENT, null, cause);
  }

  public PlatformException(String message, boolean fatal) {
    this(message, fatal, null);
  }

  public static PlatformException rateLimited(String message, Duration retryAfter) {
    return new PlatformException(message, Kind.RATE_LIMITED, retryAfter, null);
  }

  public static PlatformException unknownOutcome(String message, @Nullable Throwable cause) {
    return new PlatformException(message, Kind.UNKNOWN_OUTCOME, null, cause);
  }

  /**
   * The platform refused the message itself ({@link Kind#REFUSED}).
   *
   * @param message for operators, as every message here
   * @param reason what the platform said, without the method or route: it is shown to the user
   *     whose answer could not go ("Bad Request: message is too long"), so it must never hold
   *     a credential
   */
  public static PlatformException refused(
      String message, String reason, @Nullable Throwable cause) {
    return new PlatformException(message, Kind.REFUSED, null, cause, reason);
  }

  public Kind kind() {
    return kind;
  }

  public boolean fatal() {
    return kind == Kind.FATAL;
  }

  /** Why the platform refused the message, in its own words; the message when it gave none. */
  public String reason() {
    return reason != null ? reason : String.valueOf(getMessage());
  }

  /** How long the platform asked us to wait; zero unless {@link Kind#RATE_LIMITED}. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
