package dev.switchboard.session;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.common.SpokenDuration;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the chat a turn came from: posts the agent's question, waits for /approve or /deny on
 * the turn's thread, denies when nobody answers in time, and gives up when the turn is
 * cancelled. Each question's notices are keyed by the turn's message, so a turn run again
 * after a crash asks again rather than being answered by an old reply.
 */
final class ChatApprover implements Approver {
  private static final Logger log = LoggerFactory.getLogger(ChatApprover.class);

  private final String sessionKey;
  private final InboundMessage message;
  private final int attempt;
  private final Delivery delivery;
  private final PendingApprovals pending;
  private final TurnControl control;
  private final Duration timeout;
  private final AtomicInteger asked = new AtomicInteger();

  ChatApprover(
      String sessionKey,
      InboundMessage message,
      int attempt,
      Delivery delivery,
      PendingApprovals pending,
      TurnControl control,
      Duration timeout) {
    this.sessionKey = sessionKey;
    this.message = message;
    this.attempt = attempt;
    this.delivery = delivery;
    this.pending = pending;
    this.control = control;
    this.timeout = timeout;
  }

  @Override
  public Decision ask(String title, String details) throws InterruptedException {
    if (control.cancelled()) {
      return Decision.CANCELLED;
    }
    int n = asked.incrementAndGet();
    String key = OutboxKeys.approvalQuestion(message.dedupeKey(), attempt, n);
    CompletableFuture<Decision> answer = pending.open(sessionKey);
    control.onCancel(() -> answer.complete(Decision.CANCELLED));
    try {
      delivery.noticeAbout(message, NoticeKind.QUESTION, question(title, details), key);
      Decision decision;
      try {
        decision = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        decision = Decision.TIMED_OUT;
        delivery.notice(
            message.chat(),
            "\u231b No answer within " + SpokenDuration.of(timeout) + ": denied.",
            OutboxKeys.approvalTimedOut(message.dedupeKey(), attempt, n));
      } catch (ExecutionException e) {
        throw new IllegalStateException("an approval cannot fail", e);
      } catch (InterruptedException e) {
        if (!control.cancelled()) {
          throw e;
        }
        // a cancel both completes the answer and may interrupt this thread, in either order:
        // the backend hears CANCELLED either way, and the interrupt stays set for it
        Thread.currentThread().interrupt();
        decision = Decision.CANCELLED;
      }
      log.info("approval in {}: {} -> {}", sessionKey, title, decision);
      return decision;
    } finally {
      pending.close(sessionKey, answer);
    }
  }

  private String question(String title, String details) {
    StringBuilder text =
        new StringBuilder("\ud83d\udd10 The agent asks for permission: ").append(title);
    if (details != null && !details.isBlank()) {
      text.append("\n").append(details.strip());
    }
    return text.append("\n\nReply /approve or /deny (no answer within ")
        .append(SpokenDuration.of(timeout))
        .append(" denies it).")
        .toString();
  }
}
