package dev.switchboard.webhook;

import java.util.List;

/** What a checked delivery becomes: a turn of the agent, or a message sent directly. */
interface WebhookRuns {
  /** What became of a delivery. */
  sealed interface Outcome {}

  /** The turn was started (or the text sent) now. */
  record Accepted(List<String> messageIds) implements Outcome {}

  /** The same delivery was handled before; nothing was done again. */
  record Duplicate(List<String> messageIds) implements Outcome {}

  /** The gateway is stopping: the sender should try again later. */
  record Unavailable() implements Outcome {}

  /** The platform did not take the whole text; the same delivery again sends the rest. */
  record Undelivered(int partsSent) implements Outcome {}

  Outcome agent(WebhookRoute route, String deliveryId, String prompt);

  Outcome direct(WebhookRoute route, String deliveryId, String text);
}
