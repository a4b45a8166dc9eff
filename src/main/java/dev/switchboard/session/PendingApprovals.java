package dev.switchboard.session;

import dev.switchboard.agent.Approver.Decision;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents' questions waiting for /approve or /deny, one per session at most (a session runs
 * one turn at a time, and a turn asks one question at a time).
 */
final class PendingApprovals {
  private final Map<String, CompletableFuture<Decision>> waiting = new ConcurrentHashMap<>();

  /** Opens the session's question; one still open (a straggler) is cancelled. */
  CompletableFuture<Decision> open(String sessionKey) {
    CompletableFuture<Decision> answer = new CompletableFuture<>();
    CompletableFuture<Decision> previous = waiting.put(sessionKey, answer);
    if (previous != null) {
      previous.complete(Decision.CANCELLED);
    }
    return answer;
  }

  /** Answers the session's open question; false when none was waiting. */
  boolean answer(String sessionKey, Decision decision) {
    CompletableFuture<Decision> answer = waiting.remove(sessionKey);
    return answer != null && answer.complete(decision);
  }

  boolean waiting(String sessionKey) {
    return waiting.containsKey(sessionKey);
  }

  /** Forgets the question once its turn stopped waiting for it. */
  void close(String sessionKey, CompletableFuture<Decision> answer) {
    waiting.remove(sessionKey, answer);
  }
}
