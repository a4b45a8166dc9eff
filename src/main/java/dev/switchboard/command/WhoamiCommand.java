package dev.switchboard.command;

import dev.switchboard.platform.InboundMessage;

/** {@code /whoami}: who the gateway thinks you are, and what you may do. */
final class WhoamiCommand implements Command {
  @Override
  public String name() {
    return "whoami";
  }

  @Override
  public String description() {
    return "Show your user id, this chat and your role";
  }

  @Override
  public void execute(CommandContext context) {
    InboundMessage m = context.message();
    context.reply("You are " + m.sender().displayName() + " (" + m.chat().platform() + " user "
        + m.sender().userId() + ")\n"
        + "Chat: " + m.chat().chatId()
        + (m.chat().threadId() == null ? "" : ", topic " + m.chat().threadId())
        + (m.group() ? " (group)" : " (private)") + "\n"
        + "Session: " + context.session().key() + "\n"
        + "Role: " + (context.senderIsAdmin() ? "admin" : "user"));
  }
}
