package dev.switchboard.command;

import java.util.Optional;

/** {@code /retry}: answer the last message again, as if the last reply never happened. */
final class RetryCommand implements Command {
  @Override
  public String name() {
    return "retry";
  }

  @Override
  public String description() {
    return "Answer your last message again";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    if (s.turnRunning()) {
      context.reply("A reply is still being written. Send /stop first, then /retry.");
      return;
    }
    Optional<String> last = s.undoLastExchange();
    if (last.isEmpty()) {
      context.reply("There is nothing to retry in this conversation yet.");
      return;
    }
    s.submitTurn(last.get(), false);
  }
}
