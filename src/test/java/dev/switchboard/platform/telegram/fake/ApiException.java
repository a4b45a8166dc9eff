package dev.switchboard.platform.telegram.fake;

/**
 * A Bot API failure: the HTTP status (also the {@code error_code}), the full
 * {@code description} and, for flood control, {@code parameters.retry_after}.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Integer retryAfter;

  ApiException(int status, String description, Integer retryAfter) {
    super(description, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "Bad Request: " + message, null);
  }

  static ApiException conflict(String message) {
    return new ApiException(409, "Conflict: " + message, null);
  }

  static ApiException tooManyRequests(int retryAfterSeconds) {
    return new ApiException(
        429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
  }

  static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", null);
  }

  static ApiException notFound() {
    return new ApiException(404, "Not Found", null);
  }

  int status() {
    return status;
  }

  String description() {
    return getMessage();
  }

  Integer retryAfter() {
    return retryAfter;
  }
}
