package dev.switchboard.delivery;

import java.util.Optional;

/** What became of one message sent through the outbox ({@link PartSender}). */
sealed interface PartOutcome {
  /** It reached the chat, now or before a restart. */
  record Delivered(PartSender.Sent message) implements PartOutcome {}

  /**
   * The platform refused it as it was: it is recorded so, and never sent again.
   *
   * @param reason the platform's words
   * @param now refused by this call, not found refused in the outbox
   */
  record Refused(String reason, boolean now) implements PartOutcome {}

  /** It did not go for another reason, already logged: a failure, or an unknown outcome. */
  record Undelivered() implements PartOutcome {}

  default Optional<PartSender.Sent> sent() {
    return this instanceof Delivered d ? Optional.of(d.message()) : Optional.empty();
  }
}
