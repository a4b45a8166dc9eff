package dev.switchboard.command;

import java.util.Locale;

/** {@code /tools [on|off]}: show the agent's tool calls while it works, or not. */
final class ToolsCommand implements Command {
  @Override
  public String name() {
    return "tools";
  }

  @Override
  public String description() {
    return "Show the agent's tool calls while it works: /tools on|off";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    switch (context.arguments().toLowerCase(Locale.ROOT)) {
      case "" ->
        context.reply("Tool progress is " + (s.toolProgress() ? "on" : "off")
            + " in this session. Change it with /tools on or /tools off.");
      case "on" -> {
        s.setToolProgress(true);
        context.reply("Tool progress is on: the agent's tool calls show while it works.");
      }
      case "off" -> {
        s.setToolProgress(false);
        context.reply("Tool progress is off.");
      }
      default -> context.reply("Use /tools on or /tools off.");
    }
  }
}
