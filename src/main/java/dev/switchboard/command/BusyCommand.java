package dev.switchboard.command;

import java.util.Locale;

/** {@code /busy [interrupt|queue|default]}: what a message does while a reply is running. */
final class BusyCommand implements Command {
  @Override
  public String name() {
    return "busy";
  }

  @Override
  public String description() {
    return "What a new message does while a reply runs: /busy interrupt|queue|default";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    String arg = context.arguments().toLowerCase(Locale.ROOT);
    switch (arg) {
      case "" ->
        context.reply("Busy policy: " + s.busyPolicy() + ". " + explain(s.busyPolicy())
            + "\nChange it with /busy interrupt, /busy queue or /busy default.");
      case "interrupt", "queue" -> {
        s.setBusyPolicy(arg);
        context.reply("Busy policy: " + arg + " for this session. " + explain(arg));
      }
      case "default" -> {
        s.setBusyPolicy(null);
        context.reply(
            "Busy policy: " + s.busyPolicy() + " (the default). " + explain(s.busyPolicy()));
      }
      default ->
        context.reply("Unknown busy policy \"" + context.arguments()
            + "\". Use /busy interrupt, /busy queue or /busy default.");
    }
  }

  private static String explain(String policy) {
    return policy.equals("queue")
        ? "A new message waits until the current reply is done."
        : "A new message stops the current reply and is answered next.";
  }
}
