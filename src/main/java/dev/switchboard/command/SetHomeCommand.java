package dev.switchboard.command;

import dev.switchboard.platform.ChatRef;

/**
 * {@code /sethome} (admins): this chat, and the topic or thread it was sent in, becomes the
 * home of its platform, where the gateway posts its own notices.
 */
final class SetHomeCommand implements Command {
  @Override
  public String name() {
    return "sethome";
  }

  @Override
  public boolean adminOnly() {
    return true;
  }

  @Override
  public String description() {
    return "Make this chat the home for the gateway's own notices";
  }

  @Override
  public void execute(CommandContext context) {
    if (!context.arguments().isEmpty()) {
      context.reply("/sethome takes no arguments: send it in the chat (or topic) that should"
          + " get the gateway's notices.");
      return;
    }
    ChatRef chat = context.message().chat();
    context.gateway().setHome(chat);
    context.reply("\ud83c\udfe0 This chat is now the home of Switchboard on " + chat.platform()
        + ": starts, restarts, recoveries after a crash and platforms that fail are posted"
        + " here.");
  }
}
