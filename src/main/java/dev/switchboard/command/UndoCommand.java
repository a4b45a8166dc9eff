package dev.switchboard.command;

import java.util.Optional;

/** {@code /undo}: make the agent forget the last message and its reply. */
final class UndoCommand implements Command {
  private static final int QUOTE = 60;

  @Override
  public String name() {
    return "undo";
  }

  @Override
  public String description() {
    return "Make the agent forget your last message and its reply";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    if (s.turnRunning()) {
      context.reply("A reply is still being written. Send /stop first, then /undo.");
      return;
    }
    Optional<String> undone = s.undoLastExchange();
    context.reply(undone
        .map(t -> "Forgotten: \u201c" + quote(t) + "\u201d and its reply.")
        .orElse("There is nothing to undo in this conversation."));
  }

  static String quote(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= QUOTE ? oneLine : oneLine.substring(0, QUOTE - 1) + "\u2026";
  }
}
