package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.BotMessage;
import java.util.List;

/**
 * How the answer to one question stands in its chat, read from the bot messages sent after the
 * question (their texts after the last edit).
 *
 * <p>A line of the answer is shown by a message that holds it whole and is not a preview; the
 * answer is shown as many times as its least shown line ({@link #copies}), counting messages
 * marked as resent, and {@link #unmarkedCopies} times counting only the others. So an answer
 * split over two messages is shown once when each of its lines is in one of them.
 *
 * @param copies how many times the whole answer is shown: 0 means not answered completely
 * @param unmarkedCopies the same without the messages marked as resent: 2 or more is a
 *     duplicate the user cannot explain
 * @param mostUnmarked how often the most repeated line is shown unmarked: 2 or more with fewer
 *     than 2 unmarked copies is a part of the answer shown twice unmarked
 * @param resentMessages messages marked as resent that hold lines of this answer
 */
record AnswerShown(
    String id, int lines, int copies, int unmarkedCopies, int mostUnmarked, int resentMessages) {

  static AnswerShown of(String id, List<ShownMessage> after) {
    int lines = Answers.lineCount(id);
    int copies = Integer.MAX_VALUE;
    int unmarkedCopies = Integer.MAX_VALUE;
    int mostUnmarked = 0;
    for (int i = 1; i <= lines; i++) {
      int all = 0;
      int unmarked = 0;
      for (ShownMessage m : after) {
        if (m.shows(id, i)) {
          all++;
          if (!m.resent()) {
            unmarked++;
          }
        }
      }
      copies = Math.min(copies, all);
      unmarkedCopies = Math.min(unmarkedCopies, unmarked);
      mostUnmarked = Math.max(mostUnmarked, unmarked);
    }
    int resent = (int) after.stream()
        .filter(m -> m.resent() && m.lines().stream().anyMatch(l -> l.id().equals(id)))
        .count();
    return new AnswerShown(id, lines, copies, unmarkedCopies, mostUnmarked, resent);
  }

  /** Whether the messages sent after the question show its whole answer. */
  static boolean completeIn(String id, List<BotMessage> after) {
    return of(id, ShownMessage.readAll(after)).complete();
  }

  boolean complete() {
    return copies >= 1;
  }

  boolean unmarkedDuplicate() {
    return unmarkedCopies >= 2;
  }

  boolean partOfItTwiceUnmarked() {
    return unmarkedCopies < 2 && mostUnmarked >= 2;
  }
}
