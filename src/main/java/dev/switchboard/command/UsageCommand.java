package dev.switchboard.command;

/** {@code /usage}: tokens this conversation and this session have cost. */
final class UsageCommand implements Command {
  @Override
  public String name() {
    return "usage";
  }

  @Override
  public String description() {
    return "Show the tokens used in this session";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl.Usage now = context.session().conversationUsage();
    SessionControl.Usage all = context.session().sessionUsage();
    if (all.turns() == 0) {
      context.reply("No token counts yet: the agent (" + context.gateway().backend()
          + ") has not reported any in this session.");
      return;
    }
    context.reply("This conversation: " + line(now) + "\nThis session in all: " + line(all));
  }

  private static String line(SessionControl.Usage u) {
    return String.format(
        "%,d tokens in, %,d out (%d %s)",
        u.tokensIn(), u.tokensOut(), u.turns(), u.turns() == 1 ? "turn" : "turns");
  }
}
