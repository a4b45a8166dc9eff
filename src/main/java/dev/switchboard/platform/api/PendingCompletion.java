package dev.switchboard.platform.api;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request waiting for its answer: what the turn sends reaches the request's thread as
 * signals, in order. The queue holds at most one reply's text, which the turn produces anyway.
 */
final class PendingCompletion {
  sealed interface Signal permits Delta, Done, Abort {}

  /** More of the agent's text. */
  record Delta(String text) implements Signal {}

  /** The answer is complete; {@code text} is all of it. */
  record Done(String text) implements Signal {}

  /** No answer will come: the gateway is stopping. */
  record Abort(String message) implements Signal {}

  final String id;
  final String chatId;
  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private volatile boolean replying;

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
  Signal next(long millis) throws InterruptedException {
    return signals.poll(millis, TimeUnit.MILLISECONDS);
  }
}
