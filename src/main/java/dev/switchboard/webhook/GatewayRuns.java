package dev.switchboard.webhook;

import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.session.SyntheticTurn;
import dev.switchboard.session.SyntheticTurns;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The gateway's side of a delivery: a turn started through the journal ({@link SyntheticTurns},
 * which starts the same delivery once), or the text posted through the outbox under a key of
 * the route and the delivery, then remembered in the journal.
 */
final class GatewayRuns implements WebhookRuns {
  private final SyntheticTurns turns;
  private final Delivery delivery;
  private final BooleanSupplier draining;

  GatewayRuns(SyntheticTurns turns, Delivery delivery, BooleanSupplier draining) {
    this.turns = turns;
    this.delivery = delivery;
    this.draining = draining;
  }

  @Override
  public Outcome agent(WebhookRoute route, String deliveryId, String prompt) {
    if (draining.getAsBoolean()) {
      return new Unavailable();
    }
    try {
      return turns.start(turn(route, deliveryId, prompt))
          ? new Accepted(List.of())
          : new Duplicate(List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Unavailable();
    }
  }

  /**
   * Posts first, remembers after: the outbox sends a key once, so a delivery offered again
   * after a send that failed half-way sends only the rest, and one offered again after it
   * went out sends nothing and answers with the same messages.
   */
  @Override
  public Outcome direct(WebhookRoute route, String deliveryId, String text) {
    if (draining.getAsBoolean()) {
      return new Unavailable();
    }
    Delivery.Posted posted =
        delivery.post(route.target(), text, OutboxKeys.webhook(route.name(), deliveryId));
    List<String> ids = posted.messages().stream().map(MessageRef::messageId).toList();
    if (!posted.complete()) {
      return new Undelivered(ids.size());
    }
    return turns.recordWithoutTurn(turn(route, deliveryId, text), "sent")
        ? new Accepted(ids)
        : new Duplicate(ids);
  }

  private static SyntheticTurn turn(WebhookRoute route, String deliveryId, String prompt) {
    return new SyntheticTurn(
        route.target(),
        route.origin(),
        deliveryId,
        "Webhook " + route.name(),
        prompt,
        route.ownConversation());
  }
}
