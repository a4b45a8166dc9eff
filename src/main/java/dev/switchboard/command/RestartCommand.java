package dev.switchboard.command;

/**
 * {@code /restart}: restart the gateway and say so here when it is back. The same message
 * delivered again after the restart does nothing (the gateway remembers which messages it
 * already honoured).
 */
final class RestartCommand implements Command {
  @Override
  public String name() {
    return "restart";
  }

  @Override
  public boolean adminOnly() {
    return true;
  }

  @Override
  public String description() {
    return "Restart the gateway (replies here when it is back)";
  }

  @Override
  public void execute(CommandContext context) {
    switch (context.gateway().requestRestart(context.message())) {
      case ACCEPTED -> context.reply("\u267b Restarting\u2026 I will say so here when I am back.");
      case ALREADY_STOPPING -> context.reply("The gateway is already stopping or restarting.");
      case ALREADY_HONOURED -> {} // a redelivery of a /restart we already carried out
      case NOT_RECORDED ->
        context.reply("Not restarting: the gateway could not record this"
            + " request on disk. The details are in the gateway log.");
    }
  }
}
