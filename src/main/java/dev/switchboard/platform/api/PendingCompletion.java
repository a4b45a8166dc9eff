package dev.switchboard.platform.api;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One request waiting for its answer: what the turn sends reaches the request's thread as
 * signals, in order. The queue holds at most one reply's text, which the turn produces anyway.
 */
final class PendingCompletion {
  sealed interface Signal permits Delta, Done, Refused, Abort, ClientGone {}

  /** More of the agent's text. */
  record Delta(String text) implements Signal {}

  /** The answer is complete; {@code text} is all of it. */
  record Done(String text) implements Signal {}

  /** The gateway did not take the request (overloaded, stopping): send it again later. */
  record Refused(String message) implements Signal {}

  /** No answer will come: the gateway is stopping. */
  record Abort(String message) implements Signal {}

  /** The client closed its connection: nobody waits for the answer any more. */
  record ClientGone() implements Signal {}

  final String id;
  final String chatId;
  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private volatile boolean replying;
  private volatile boolean settled;

  PendingCompletion(String id, String chatId) {
    this.id = id;
    this.chatId = chatId;
  }

  /** The agent started answering; from now on gateway notices are not the answer. */
  void replyStarted() {
    replying = true;
  }

  boolean replying() {
    return replying;
  }

  void signal(Signal s) {
    signals.add(s);
  }

  /** The next signal, or null after {@code millis} without one. */
  @Nullable
  Signal next(long millis) throws InterruptedException {
    Signal s = signals.poll(millis, TimeUnit.MILLISECONDS);
    if (s instanceof Done || s instanceof Refused) {
      settled = true;
    }
    return s;
  }

  /**
   * Whether the gateway is done with the request: answered, or refused before any turn ran.
   * Otherwise a turn may still run for it when the request ends.
   */
  boolean settled() {
    return settled;
  }
}
