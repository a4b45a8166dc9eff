package dev.switchboard.command;

/** {@code /help}: the commands and what they do. */
final class HelpCommand implements Command {
  @Override
  public String name() {
    return "help";
  }

  @Override
  public String description() {
    return "List the commands";
  }

  @Override
  public void execute(CommandContext context) {
    StringBuilder sb = new StringBuilder("Commands:\n");
    for (Command c : context.commands().all()) {
      sb.append('/').append(c.name());
      c.aliases().forEach(a -> sb.append(", /").append(a));
      sb.append(" \u2014 ").append(c.description()).append('\n');
    }
    sb.append("Anything else is sent to the agent.");
    context.reply(sb.toString());
  }
}
