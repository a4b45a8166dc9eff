package dev.switchboard.command;

/**
 * {@code /cron add|list|pause|resume|remove|run}: the gateway's scheduled jobs. Anyone let in
 * may list them; making and changing them is for admins and the users in {@code jobs.makers},
 * which the gateway checks.
 */
final class CronCommand implements Command {
  @Override
  public String name() {
    return "cron";
  }

  @Override
  public String description() {
    return "Scheduled jobs: /cron add <schedule> <prompt>, list, pause, resume, remove, run";
  }

  @Override
  public void execute(CommandContext context) {
    try {
      context.reply(
          context.gateway().cron(context.message(), context.senderIsAdmin(), context.arguments()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      context.reply("Switchboard is stopping; the /cron request was not finished.");
    }
  }
}
