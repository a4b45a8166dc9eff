package dev.switchboard.command;

/** {@code /queue <text>}: send a message that waits for the running reply instead of stopping it. */
final class QueueCommand implements Command {
  @Override
  public String name() {
    return "queue";
  }

  @Override
  public String description() {
    return "Send a message that waits for the current reply: /queue <text>";
  }

  @Override
  public void execute(CommandContext context) {
    if (context.arguments().isEmpty()) {
      context.reply("Write the message after the command: /queue <text>.");
      return;
    }
    // When something runs or waits, the dispatcher tells the chat how many messages are ahead;
    // otherwise the reply itself is the acknowledgement.
    context.session().submitTurn(context.arguments(), true);
  }
}
