package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.BotMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdict on the chats as they stand at the end: every question's answer read from the
 * bot messages sent after it ({@link AnswerShown}), and every bot message accounted for.
 */
final class SoakVerdict {
  /** A question the verdict picks out, with the messages sent after it in its chat. */
  record Finding(String kind, Question question, List<ShownMessage> after) {}

  int questions;
  int answeredCompletely;
  int lost;
  int unmarkedDuplicates;
  int partsTwiceUnmarked;
  int resentMessages;
  int resentBesideAnUnmarkedCopy;
  int cutOffPreviews;
  int stalePreviews;
  int garbledLines;
  final Map<String, Integer> otherMessages = new TreeMap<>();
  final List<Finding> findings = new ArrayList<>();

  /** Adds one chat: its questions, oldest first, and all the bot's messages in it. */
  void add(List<Question> asked, List<BotMessage> messages) {
    List<ShownMessage> shown = ShownMessage.readAll(messages);
    for (Question q : asked) {
      questions++;
      List<ShownMessage> after =
          shown.stream().filter(m -> m.message().messageId() > q.messageId()).toList();
      AnswerShown a = AnswerShown.of(q.id(), after);
      if (a.complete()) {
        answeredCompletely++;
      } else {
        lost++;
        findings.add(new Finding("lost", q, after));
      }
      if (a.unmarkedDuplicate()) {
        unmarkedDuplicates++;
        findings.add(new Finding("unmarked duplicate", q, after));
      } else if (a.partOfItTwiceUnmarked()) {
        partsTwiceUnmarked++;
        findings.add(new Finding("part shown twice unmarked", q, after));
      }
      if (a.resentMessages() > 0 && a.unmarkedCopies() >= 1) {
        resentBesideAnUnmarkedCopy++;
      }
    }
    for (ShownMessage m : shown) {
      if (m.resent() && !m.markAlone()) {
        resentMessages++;
      }
      garbledLines += m.garbledLines().size();
      if (m.cutOffNotice()) {
        cutOffPreviews++;
      } else if (m.preview()) {
        stalePreviews++;
        questionOf(asked, m)
            .ifPresent(q -> findings.add(new Finding("stale preview", q, List.of(m))));
      } else if (!m.garbledLines().isEmpty()) {
        questionOf(asked, m).ifPresent(q -> findings.add(new Finding("garbled", q, List.of(m))));
      } else if (m.lines().isEmpty() && !m.markAlone()) {
        otherMessages.merge(abbreviate(m.message().text(), 80), 1, Integer::sum);
      }
    }
  }

  /** The latest question asked before {@code m} whose id the message names. */
  private static java.util.Optional<Question> questionOf(List<Question> asked, ShownMessage m) {
    return asked.stream()
        .filter(q -> q.messageId() < m.message().messageId() && m.mentions(q.id()))
        .reduce((first, second) -> second);
  }

  /** One line about a message for a report: id, edits, marks, the start and end of its text. */
  static String describe(ShownMessage m) {
    BotMessage b = m.message();
    StringBuilder s = new StringBuilder("#").append(b.messageId());
    s.append(" (").append(b.editCount()).append(" edits");
    if (m.resent()) {
      s.append(", resent");
    }
    if (m.preview()) {
      s.append(", preview");
    }
    s.append("): ").append(abbreviate(b.text(), 140));
    return s.toString();
  }

  static String abbreviate(String text, int max) {
    String one = text.replace("\n", " | ");
    if (one.length() <= max) {
      return one;
    }
    int head = max * 2 / 3;
    return one.substring(0, head) + " ... " + one.substring(one.length() - (max - head - 5));
  }
}
