package dev.switchboard.command;

/** {@code /stop}: cancel the running turn and drop queued messages in this session. */
final class StopCommand implements Command {
  @Override
  public String name() {
    return "stop";
  }

  @Override
  public String description() {
    return "Stop the current reply and drop queued messages";
  }

  @Override
  public void execute(CommandContext context) {
    int stopped = context.session().stop();
    context.reply(stopped == 0 ? "Nothing is running." : "Stopped.");
  }
}
