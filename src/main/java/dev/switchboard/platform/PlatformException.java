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
    UNKNOWN_OUTCOME
  }

  private final Kind kind;
  private final Duration retryAfter;

  public PlatformException(
      String message, Kind kind, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
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

  public Kind kind() {
    return kind;
  }

  public boolean fatal() {
    return kind == Kind.FATAL;
  }

  /** How long the platform asked us to wait; zero unless {@link Kind#RATE_LIMITED}. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
