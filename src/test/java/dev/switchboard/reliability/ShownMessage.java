package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.BotMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * One bot message as the user reads it once the soak is over: its text after the last edit,
 * whether it says it was resent after a restart, whether it is still a preview, and the whole
 * answer lines in it.
 *
 * <p>Resent: the text starts with the line {@value #RESENT}, or the message just before it in
 * the chat is that mark alone followed by a colon (sent on its own when the two would not fit in
 * one message). A preview still ends with the typing mark "…" that the gateway appends while the
 * answer grows: its lines never count as shown, the final text never ends that way.
 */
record ShownMessage(
    BotMessage message,
    boolean resent,
    boolean markAlone,
    boolean preview,
    boolean cutOffNotice,
    List<Answers.LineRef> lines,
    List<String> garbledLines) {
  /** What a message sent again after a restart starts with (operations.md). */
  static final String RESENT = "\u21bb Resent after a restart";
  /** What a preview a restart cut off is edited into before the answer is asked for again. */
  static final String CUT_OFF = "This answer was cut off by a restart";

  private static final String TYPING_MARK = "\u2026";

  /** The messages of one chat, in the order they were sent, read in turn. */
  static List<ShownMessage> readAll(List<BotMessage> messages) {
    List<ShownMessage> out = new ArrayList<>(messages.size());
    boolean previousWasMark = false;
    for (BotMessage m : messages) {
      ShownMessage shown = read(m, previousWasMark);
      out.add(shown);
      previousWasMark = shown.markAlone();
    }
    return out;
  }

  private static ShownMessage read(BotMessage m, boolean previousWasMark) {
    String text = m.text();
    boolean markAlone = text.equals(RESENT + ":");
    boolean markedInline = text.startsWith(RESENT + "\n");
    String body = markedInline ? text.substring(RESENT.length() + 1) : text;
    boolean preview = !markAlone && body.endsWith(TYPING_MARK);
    List<Answers.LineRef> lines = new ArrayList<>();
    List<String> garbled = new ArrayList<>();
    if (!preview && !markAlone) {
      for (String line : body.split("\n", -1)) {
        var ref = Answers.lineRef(line);
        if (ref.isPresent()) {
          if (line.equals(Answers.line(ref.get().id(), ref.get().index()))) {
            lines.add(ref.get());
          } else {
            garbled.add(line);
          }
        } else if (Answers.idIn(line).isPresent() && !line.startsWith("Question ")) {
          garbled.add(line); // names a question but is no whole line of its answer
        }
      }
    }
    return new ShownMessage(
        m,
        previousWasMark || markedInline,
        markAlone,
        preview,
        body.contains(CUT_OFF),
        List.copyOf(lines),
        List.copyOf(garbled));
  }

  /** Whether this message shows line {@code index} of the answer to {@code id}, whole. */
  boolean shows(String id, int index) {
    return lines.contains(new Answers.LineRef(id, index));
  }

  boolean mentions(String id) {
    return lines.stream().anyMatch(l -> l.id().equals(id))
        || message.text().contains(id)
        || garbledLines.stream().anyMatch(l -> l.contains(id));
  }
}
