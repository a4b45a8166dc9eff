package dev.switchboard.platform.telegram;

import dev.switchboard.platform.PlatformException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A Bot API call that failed, classified by what we know about its effect. Messages never
 * contain the bot token (it is part of every request URL).
 */
final class TelegramApiException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What we know about the request. */
  enum Kind {
    /** Telegram answered with an error: the call had no effect. */
    API_ERROR,
    /** The request never reached Telegram (connection refused, DNS): no effect. */
    NOT_SENT,
    /** The request may have reached Telegram, the answer did not reach us. */
    NO_ANSWER
  }

  /** Words of Telegram's 400 descriptions that say the chat, not the message, is the problem. */
  private static final List<String> CHAT_PROBLEMS = List.of(
      "not found",
      "rights",
      "topic_",
      "peer_id_invalid",
      "chat_",
      "upgraded to a supergroup",
      "kicked",
      "not a member",
      "deactivated",
      "blocked");

  private final Kind kind;
  private final int errorCode;
  private final Duration retryAfter;
  private final String description;

  TelegramApiException(
      Kind kind,
      int errorCode,
      String description,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(description, cause);
    this.kind = kind;
    this.errorCode = errorCode;
    this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    this.description = description;
  }

  /** What failed, without the token; unlike an exception's message in general, never null. */
  @Override
  public String getMessage() {
    return description;
  }

  Kind kind() {
    return kind;
  }

  /** Telegram's error_code (HTTP status), 0 when there was no answer. */
  int errorCode() {
    return errorCode;
  }

  Duration retryAfter() {
    return retryAfter;
  }

  /**
   * A 400 about where the message was to go, not what it said ("chat not found", "not enough
   * rights to send text messages", "TOPIC_CLOSED"): no other form of the message would go.
   */
  private boolean aboutTheChat() {
    String d = description.toLowerCase(Locale.ROOT);
    return CHAT_PROBLEMS.stream().anyMatch(d::contains);
  }

  /** Telegram's description alone, without the method's name this exception puts before it. */
  private String telegramsWords() {
    int after = description.indexOf(": ");
    return after < 0 ? description : description.substring(after + 2);
  }

  boolean isConflict() {
    return errorCode == 409;
  }

  /**
   * What the failure means for the delivery layer: 429 is rate-limited with Telegram's
   * retry_after, 5xx and requests that never left are transient, a 400 to a send is a refusal of
   * that message ("Bad Request: message is too long") unless it is about the chat, other errors
   * fatal; a call that got no
   * answer has an unknown outcome when it was {@code sending} (it may have been acted on), and
   * is transient otherwise.
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
        if (errorCode == 429) {
          yield PlatformException.rateLimited(description, retryAfter);
        }
        if (errorCode >= 500) {
          yield new PlatformException(description, PlatformException.Kind.TRANSIENT, null, this);
        }
        if (errorCode == 400 && sending && !aboutTheChat()) {
          yield PlatformException.refused(description, telegramsWords(), this);
        }
        yield new PlatformException(description, PlatformException.Kind.FATAL, null, this);
      }
    };
  }
}
