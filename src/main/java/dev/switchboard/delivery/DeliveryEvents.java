package dev.switchboard.delivery;

/** What delivery reports for the gateway's metrics; called on the sending thread, must be quick. */
public interface DeliveryEvents {
  DeliveryEvents NONE = new DeliveryEvents() {};

  /** A message (or one part of a long one) reached {@code platform}. */
  default void sent(String platform) {}

  /** A call failed in a way worth another try (5xx, a refused connection) and is retried. */
  default void retried(String platform) {}

  /** The platform answered 429; the chat (or everything) pauses as it asked. */
  default void rateLimited(String platform) {}

  /**
   * {@code platform} refused a message of a reply or notice as sent (too long, malformed); it is
   * sent again in smaller pieces or as plain text, or the user is told it could not go.
   */
  default void refused(String platform) {}
}
