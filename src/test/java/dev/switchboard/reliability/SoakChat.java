package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * One user in a private chat with the bot: asks a question, waits until the chat shows its
 * whole answer, then asks the next, until told to stop. A question not answered within {@code
 * answerWait} is left behind (the verdict at the end looks at it again) so that one lost answer
 * does not stop the chat.
 */
final class SoakChat implements Runnable {
  private final int index;
  private final long userId;
  private final FakeTelegramServer telegram;
  private final Duration answerWait;
  private final BooleanSupplier keepAsking;
  private final List<Question> asked = new CopyOnWriteArrayList<>();

  SoakChat(
      int index,
      long userId,
      FakeTelegramServer telegram,
      Duration answerWait,
      BooleanSupplier keepAsking) {
    this.index = index;
    this.userId = userId;
    this.telegram = telegram;
    this.answerWait = answerWait;
    this.keepAsking = keepAsking;
  }

  long userId() {
    return userId;
  }

  List<Question> asked() {
    return List.copyOf(asked);
  }

  @Override
  public void run() {
    int n = 0;
    while (keepAsking.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
      n++;
      String id = Answers.questionId(index, n);
      long sentAt = System.nanoTime();
      int messageId = telegram.privateMessageReturningId(userId, Answers.question(id));
      Question q = new Question(userId, id, messageId, sentAt);
      asked.add(q);
      if (awaitAnswer(q, answerWait)) {
        q.answered(System.nanoTime());
      } else {
        q.gaveUpWaiting();
      }
    }
  }

  /** Waits up to {@code wait} for the chat to show the whole answer to {@code q}. */
  boolean awaitAnswer(Question q, Duration wait) {
    Optional<?> shown = telegram.awaitMessagesAfter(
        userId, q.messageId(), after -> AnswerShown.completeIn(q.id(), after), wait);
    return shown.isPresent();
  }
}
