package dev.switchboard.platform;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sends a message the gateway is asked to send on its own initiative ({@code switchboard send},
 * {@code POST /v1/send}) to a chat named by a target ({@code telegram:123456}, {@code
 * slack:C0123:1712345678.000100}): through the outbox, within the platform's rate limits, once
 * per idempotency key.
 */
public interface ProactiveSender {
  /** What became of a send. */
  sealed interface Outcome {
    /** Delivered: the platform's ids of the messages it took, in order. */
    record Sent(ChatRef chat, List<String> messageIds) implements Outcome {
      public Sent {
        messageIds = List.copyOf(messageIds);
      }
    }

    /** Not sent (or not all of it); {@code status} is the HTTP status that fits. */
    record Refused(int status, String reason) implements Outcome {}
  }

  /**
   * Sends {@code text} (Markdown) to {@code target}.
   *
   * @param idempotencyKey the same key sent again is answered with the first send's messages,
   *     nothing is sent twice; null for a send that is never repeated
   */
  Outcome send(String target, String text, @Nullable String idempotencyKey);
}
