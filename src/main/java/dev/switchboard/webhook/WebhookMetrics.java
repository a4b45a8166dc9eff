package dev.switchboard.webhook;

/** What the webhook routes count, for {@code /metrics}. */
public interface WebhookMetrics {
  /**
   * One request to a configured route and what became of it: {@code accepted}, {@code sent},
   * {@code duplicate}, {@code ping}, {@code unauthorized}, {@code bad_request}, {@code too_large}, {@code
   * empty}, {@code unavailable} or {@code undelivered}. Requests to no route are not counted:
   * their paths are whatever a scanner makes up.
   */
  void delivery(String route, String outcome);

  WebhookMetrics NONE = (route, outcome) -> {};
}
