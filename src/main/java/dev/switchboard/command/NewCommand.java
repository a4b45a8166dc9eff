package dev.switchboard.command;

import java.util.List;

/** {@code /new}, {@code /reset}: stop what is running and start a fresh conversation. */
final class NewCommand implements Command {
  @Override
  public String name() {
    return "new";
  }

  @Override
  public List<String> aliases() {
    return List.of("reset");
  }

  @Override
  public String description() {
    return "Start a new conversation";
  }

  @Override
  public void execute(CommandContext context) {
    context.session().newConversation();
    context.reply("Started a new conversation.");
  }
}
