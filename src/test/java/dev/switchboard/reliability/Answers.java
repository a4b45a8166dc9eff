package dev.switchboard.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The questions the soak's chats ask and the answers its model gives, both made from the
 * question's id alone: so whoever holds an id knows the whole answer, line by line, and every
 * line of an answer names its question ("c03-m00012 4/9: ..."). One answer in ten is long
 * enough to take two Telegram messages.
 */
final class Answers {
  private static final Pattern ID = Pattern.compile("\\bc\\d{2,3}-m\\d{5}\\b");
  /** A line of an answer as it shows in a chat: its question, its number, how many. */
  private static final Pattern LINE = Pattern.compile("^(c\\d{2,3}-m\\d{5}) (\\d+)/(\\d+): .*$");

  private static final String[] WORDS = {
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
    "amber",
    "cobalt",
    "saffron",
    "teal",
    "umber",
    "violet"
  };
  /** About 60 characters a line: 80 lines do not fit in one Telegram message (4,096). */
  private static final int WORDS_PER_LINE = 7;

  static final int LONG_ANSWER_LINES = 80;

  private Answers() {}

  /** The id of the {@code n}-th question (from 1) of chat {@code chat} (from 1). */
  static String questionId(int chat, int n) {
    return String.format("c%02d-m%05d", chat, n);
  }

  /** What the chat writes. */
  static String question(String id) {
    return "Question " + id + ": please answer in full.";
  }

  /** The question id a text names, if any (the model reads it from the user's message). */
  static Optional<String> idIn(String text) {
    Matcher m = ID.matcher(text);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  /** How many lines the answer to {@code id} has. */
  static int lineCount(String id) {
    int n = Integer.parseInt(id.substring(id.indexOf('m') + 1));
    if (n % 10 == 0) {
      return LONG_ANSWER_LINES;
    }
    return 4 + Math.floorMod(id.hashCode(), 17);
  }

  /** Line {@code i} (from 1) of the answer to {@code id}. */
  static String line(String id, int i) {
    int count = lineCount(id);
    SplittableRandom random = new SplittableRandom(31L * id.hashCode() + i);
    StringBuilder b = new StringBuilder().append(id).append(' ').append(i).append('/');
    b.append(count).append(':');
    for (int w = 0; w < WORDS_PER_LINE; w++) {
      b.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  /** The whole answer, one line after another. */
  static String text(String id) {
    return String.join("\n", lines(id));
  }

  static List<String> lines(String id) {
    int count = lineCount(id);
    List<String> lines = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      lines.add(line(id, i));
    }
    return lines;
  }

  /**
   * The answer as the model streams it: two pieces a line for the usual answers, one a line for
   * the long ones (so that streaming them takes seconds, not tens of seconds). Joined, they are
   * {@link #text}.
   */
  static List<String> deltas(String id) {
    List<String> lines = lines(id);
    List<String> deltas = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i) + (i + 1 < lines.size() ? "\n" : "");
      if (lines.size() == LONG_ANSWER_LINES) {
        deltas.add(line);
      } else {
        int half = line.indexOf(' ', line.length() / 2);
        deltas.add(line.substring(0, half));
        deltas.add(line.substring(half));
      }
    }
    return deltas;
  }

  /** A line of some answer as shown: its question id and number; empty for any other text. */
  static Optional<LineRef> lineRef(String shownLine) {
    Matcher m = LINE.matcher(shownLine);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new LineRef(m.group(1), Integer.parseInt(m.group(2))));
  }

  /** Line {@code index} of the answer to question {@code id}. */
  record LineRef(String id, int index) {}
}
